#!/usr/bin/env python3
"""Writes a synthetic sops-rs audit log (schema sops-rs.audit/1.0) for benchmarks.

Operations are written as sops-rs writes them: `<op>.start`, one `key.*` record per key
attempt, `<op>.finish`, with the envelope fields (chain, tool, actor, host, CI and VCS metadata
for CI actors) so that lines have the size of real ones (about 700 to 1,000 bytes). The chain
hashes are not real (`audit verify` rejects the log); `audit report` does not check them.

    scripts/gen-audit-log.py --records 1000000 --out /tmp/audit.jsonl
"""

import argparse
import datetime
import json
import random
import sys

OPERATIONS = [("decrypt", 60), ("exec_env", 10), ("encrypt", 8), ("edit", 6), ("set", 6),
              ("rotate", 4), ("updatekeys", 3), ("exec_file", 3)]
PROVIDERS = [("age", 0.0, 0.3), ("kms", 0.02, 40.0), ("hc_vault", 0.01, 8.0),
             ("gcp_kms", 0.03, 60.0)]
OUTCOMES = [("success", 94), ("failure", 4), ("denied", 1), ("unchanged", 1)]


def pick(rng, weighted):
    total = sum(w for _, w in weighted)
    roll = rng.uniform(0, total)
    for item, weight in weighted:
        roll -= weight
        if roll <= 0:
            return item
    return weighted[-1][0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    humans = [f"user{n:02d}" for n in range(40)]
    repositories = [f"acme/service-{n:02d}" for n in range(20)]
    files = [f"secrets/env-{n:03d}.enc.yaml" for n in range(400)]
    keys = {p: [f"{p}-key-{n}" for n in range(5)] for p, _, _ in PROVIDERS}
    tool = '{"name":"sops-rs","version":"0.1.0","sops_compat":"3.12.2"}'
    host = '{"name":"runner-7","os":"linux","arch":"x86_64"}'
    written = 0
    second = 1_796_000_000  # 2026-11-30
    seq = 0
    with open(args.out, "w", encoding="utf-8") as out:
        while written < args.records:
            second += rng.randint(0, 3)
            micros = rng.randint(0, 999_999)
            stamp = datetime.datetime.fromtimestamp(second, datetime.timezone.utc)
            ts = stamp.strftime("%Y-%m-%dT%H:%M:%S") + f".{micros:06d}Z"
            operation = pick(rng, OPERATIONS)
            op_id = f"01a24e78-{rng.getrandbits(16):04x}-7{rng.getrandbits(12):03x}-8000-{rng.getrandbits(48):012x}"
            if rng.random() < 0.6:
                repository = rng.choice(repositories)
                actor = f'{{"user":"runner","uid":1001,"kind":"ci","ci_login":"bot-{repository[-2:]}"}}'
                ci = (f',"ci":{{"provider":"github","run_id":"{rng.randint(1, 10**9)}","run_attempt":"1",'
                      f'"workflow":"deploy","job":"release","event":"push","verified":false}}'
                      f',"vcs":{{"provider":"github","repository":"{repository}",'
                      f'"ref":"refs/heads/main","revision":"{rng.getrandbits(160):040x}"}}')
            else:
                actor = f'{{"user":"{rng.choice(humans)}","uid":1000,"kind":"human"}}'
                ci = ""
            path = rng.choice(files)
            file = (f'{{"path":"/src/app/{path}","repo_path":"{path}","format":"yaml",'
                    f'"sha256_before":"{rng.getrandbits(256):064x}","size":{rng.randint(200, 9000)}}}')

            def envelope(event):
                nonlocal seq
                seq += 1
                return (f'{{"schema":"sops-rs.audit/1.0","ts":"{ts}","event":"{event}",'
                        f'"id":"{op_id[:-4]}{seq % 65536:04x}","op_id":"{op_id}","invocation_id":"{op_id}",'
                        f'"chain":{{"id":"01a24e78-dcd0-7649-adbd-a4562ae7af5b","seq":{seq},'
                        f'"prev":"sha256:{rng.getrandbits(256):064x}"}},'
                        f'"tool":{tool},"actor":{actor},"host":{host}{ci}')

            lines = [envelope(f"{operation}.start") + f',"file":{file}}}']
            provider, failure_rate, latency = rng.choice(PROVIDERS)
            direction = "wrap" if operation == "encrypt" else "unwrap"
            result = "failure" if rng.random() < failure_rate else "success"
            lines.append(envelope(f"key.{direction}")
                         + f',"key":{{"type":"{provider}","id":"{rng.choice(keys[provider])}"}},'
                         f'"result":"{result}","source":"provider",'
                         f'"latency_ms":{rng.lognormvariate(0, 0.5) * latency:.3f}}}')
            outcome = "failure" if result == "failure" else pick(rng, OUTCOMES)
            exit_code, error_class = {"success": (0, None), "failure": (128, "key_unavailable"),
                                      "denied": (75, "audit_unavailable"),
                                      "unchanged": (200, "unchanged")}[outcome]
            error = f',"error":{{"class":"{error_class}","exit_code":{exit_code}}}' if exit_code else ""
            lines.append(envelope(f"{operation}.finish")
                         + f',"file":{file},"recipients":[{{"type":"{provider}","id":"k",'
                         f'"operation":"{direction}","result":"{result}"}}],"outcome":"{outcome}"'
                         f'{error},"duration_ms":{rng.randint(1, 300)},"exit_code":{exit_code}}}')
            for line in lines[: args.records - written]:
                out.write(line)
                out.write("\n")
            written += len(lines)
    json.loads(line)  # the template writes valid JSON
    return 0


if __name__ == "__main__":
    sys.exit(main())
