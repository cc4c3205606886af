#!/usr/bin/env python3
"""A TCP proxy that adds latency, for benchmarks against local servers (moto, OpenBao, ...).

Usage:
  delay-proxy.py --listen 127.0.0.1:PORT --upstream 127.0.0.1:PORT --delay-ms 50

Every accepted connection is relayed to the upstream. The delay is added once per
request/response exchange: when the client starts sending after the upstream has answered (or at
the start of the connection), the proxy waits --delay-ms before forwarding that request. Further
chunks of the same request, and the response, are relayed without delay, so a keep-alive HTTP
connection pays the delay once per request, like a remote server one round trip away.

When it listens, it prints `listening on HOST:PORT` on stdout (flushed) for readiness waits;
`--listen 127.0.0.1:0` picks a free port and prints it. With --stats, each closed connection
prints a line `connection N closed: R requests` on stdout.
"""
import argparse
import asyncio
import sys


def host_port(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host, int(port)


class Exchange:
    """Tracks whose turn it is on one connection, to delay each request once."""

    def __init__(self) -> None:
        self.awaiting_request = True
        self.requests = 0


async def relay(reader, writer, exchange: Exchange, delay: float, from_client: bool) -> None:
    try:
        while True:
            chunk = await reader.read(65536)
            if not chunk:
                break
            if from_client:
                if exchange.awaiting_request:
                    exchange.awaiting_request = False
                    exchange.requests += 1
                    if delay > 0:
                        await asyncio.sleep(delay)
            else:
                exchange.awaiting_request = True
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            if writer.can_write_eof():
                writer.write_eof()
        except (OSError, RuntimeError):
            pass


async def serve(args) -> None:
    delay = args.delay_ms / 1000.0
    up_host, up_port = args.upstream
    counter = 0

    async def handle(client_reader, client_writer) -> None:
        nonlocal counter
        counter += 1
        number = counter
        try:
            up_reader, up_writer = await asyncio.open_connection(up_host, up_port)
        except OSError as err:
            print(f"upstream {up_host}:{up_port} unreachable: {err}", file=sys.stderr, flush=True)
            client_writer.close()
            return
        exchange = Exchange()
        await asyncio.gather(
            relay(client_reader, up_writer, exchange, delay, True),
            relay(up_reader, client_writer, exchange, delay, False),
        )
        for w in (up_writer, client_writer):
            w.close()
        if args.stats:
            print(f"connection {number} closed: {exchange.requests} requests", flush=True)

    host, port = args.listen
    server = await asyncio.start_server(handle, host, port)
    bound = server.sockets[0].getsockname()
    print(f"listening on {bound[0]}:{bound[1]}", flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description="TCP proxy adding latency per request")
    parser.add_argument("--listen", type=host_port, required=True, help="HOST:PORT (port 0: any)")
    parser.add_argument("--upstream", type=host_port, required=True, help="HOST:PORT")
    parser.add_argument("--delay-ms", type=float, default=50.0, help="delay per request (ms)")
    parser.add_argument("--stats", action="store_true", help="print requests per connection")
    args = parser.parse_args()
    try:
        asyncio.run(serve(args))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
