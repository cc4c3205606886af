
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'sops-rs' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'sops-rs'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'sops-rs' {
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set one value of FILE in place: ''["key"][0] JSON'' (the form of `set`)')
            [CompletionResult]::new('--add-age', '--add-age', [CompletionResultType]::ParameterName, 'age recipients to add')
            [CompletionResult]::new('--rm-age', '--rm-age', [CompletionResultType]::ParameterName, 'age recipients to remove')
            [CompletionResult]::new('--add-pgp', '--add-pgp', [CompletionResultType]::ParameterName, 'PGP fingerprints to add')
            [CompletionResult]::new('--rm-pgp', '--rm-pgp', [CompletionResultType]::ParameterName, 'PGP fingerprints to remove')
            [CompletionResult]::new('--add-kms', '--add-kms', [CompletionResultType]::ParameterName, 'AWS KMS ARNs to add')
            [CompletionResult]::new('--rm-kms', '--rm-kms', [CompletionResultType]::ParameterName, 'AWS KMS ARNs to remove')
            [CompletionResult]::new('--add-gcp-kms', '--add-gcp-kms', [CompletionResultType]::ParameterName, 'GCP KMS resource IDs to add')
            [CompletionResult]::new('--rm-gcp-kms', '--rm-gcp-kms', [CompletionResultType]::ParameterName, 'GCP KMS resource IDs to remove')
            [CompletionResult]::new('--add-hckms', '--add-hckms', [CompletionResultType]::ParameterName, 'Huawei Cloud KMS key IDs to add')
            [CompletionResult]::new('--rm-hckms', '--rm-hckms', [CompletionResultType]::ParameterName, 'Huawei Cloud KMS key IDs to remove')
            [CompletionResult]::new('--add-azure-kv', '--add-azure-kv', [CompletionResultType]::ParameterName, 'Azure Key Vault key URLs to add')
            [CompletionResult]::new('--rm-azure-kv', '--rm-azure-kv', [CompletionResultType]::ParameterName, 'Azure Key Vault key URLs to remove')
            [CompletionResult]::new('--add-hc-vault-transit', '--add-hc-vault-transit', [CompletionResultType]::ParameterName, 'Vault Transit URIs to add')
            [CompletionResult]::new('--rm-hc-vault-transit', '--rm-hc-vault-transit', [CompletionResultType]::ParameterName, 'Vault Transit URIs to remove')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the result to this file instead of standard output')
            [CompletionResult]::new('--extract', '--extract', [CompletionResultType]::ParameterName, 'Decrypt only the value at this tree path, e.g. ''["db"]["password"]''')
            [CompletionResult]::new('--filename-override', '--filename-override', [CompletionResultType]::ParameterName, 'Treat the input as if it had this file name (format detection, standard input)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'age recipients to encrypt for, comma-separated')
            [CompletionResult]::new('--age', '--age', [CompletionResultType]::ParameterName, 'age recipients to encrypt for, comma-separated')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'PGP fingerprints to encrypt for, comma-separated')
            [CompletionResult]::new('--pgp', '--pgp', [CompletionResultType]::ParameterName, 'PGP fingerprints to encrypt for, comma-separated')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated')
            [CompletionResult]::new('--kms', '--kms', [CompletionResultType]::ParameterName, 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated')
            [CompletionResult]::new('--gcp-kms', '--gcp-kms', [CompletionResultType]::ParameterName, 'GCP KMS resource IDs, comma-separated')
            [CompletionResult]::new('--hckms', '--hckms', [CompletionResultType]::ParameterName, 'Huawei Cloud KMS key IDs (REGION:KEY_UUID), comma-separated')
            [CompletionResult]::new('--azure-kv', '--azure-kv', [CompletionResultType]::ParameterName, 'Azure Key Vault key URLs, comma-separated')
            [CompletionResult]::new('--hc-vault-transit', '--hc-vault-transit', [CompletionResultType]::ParameterName, 'HashiCorp Vault Transit key URIs, comma-separated')
            [CompletionResult]::new('--aws-profile', '--aws-profile', [CompletionResultType]::ParameterName, 'AWS profile for the KMS keys')
            [CompletionResult]::new('--encryption-context', '--encryption-context', [CompletionResultType]::ParameterName, 'AWS KMS encryption context for new keys: key:value pairs, comma-separated')
            [CompletionResult]::new('--shamir-secret-sharing-threshold', '--shamir-secret-sharing-threshold', [CompletionResultType]::ParameterName, 'Number of key groups needed to decrypt (Shamir threshold)')
            [CompletionResult]::new('--keyservice', '--keyservice', [CompletionResultType]::ParameterName, 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)')
            [CompletionResult]::new('--enable-local-keyservice', '--enable-local-keyservice', [CompletionResultType]::ParameterName, 'Use this process''s own keys and credentials first (default true; =false uses only the --keyservice services)')
            [CompletionResult]::new('--disable-version-check', '--disable-version-check', [CompletionResultType]::ParameterName, 'Accepted for compatibility: sops-rs never contacts the network to check for updates')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--unencrypted-suffix', '--unencrypted-suffix', [CompletionResultType]::ParameterName, 'Leave keys with this suffix (and everything below them) unencrypted [default: _unencrypted]')
            [CompletionResult]::new('--encrypted-suffix', '--encrypted-suffix', [CompletionResultType]::ParameterName, 'Encrypt only keys with this suffix (and everything below them)')
            [CompletionResult]::new('--unencrypted-regex', '--unencrypted-regex', [CompletionResultType]::ParameterName, 'Leave keys matching this regex (and everything below them) unencrypted')
            [CompletionResult]::new('--encrypted-regex', '--encrypted-regex', [CompletionResultType]::ParameterName, 'Encrypt only keys matching this regex (and everything below them)')
            [CompletionResult]::new('--unencrypted-comment-regex', '--unencrypted-comment-regex', [CompletionResultType]::ParameterName, 'Leave values after a comment matching this regex unencrypted')
            [CompletionResult]::new('--encrypted-comment-regex', '--encrypted-comment-regex', [CompletionResultType]::ParameterName, 'Encrypt only values after a comment matching this regex')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when decrypting, comma-separated (default: age,pgp)')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)')
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the version (as `sops X.Y.Z (sops-rs V)` when installed as `sops`)')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print the version (as `sops X.Y.Z (sops-rs V)` when installed as `sops`)')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Encrypt FILE (`sops -e FILE`, the form of `encrypt`)')
            [CompletionResult]::new('--encrypt', '--encrypt', [CompletionResultType]::ParameterName, 'Encrypt FILE (`sops -e FILE`, the form of `encrypt`)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Decrypt FILE (`sops -d FILE`, the form of `decrypt`)')
            [CompletionResult]::new('--decrypt', '--decrypt', [CompletionResultType]::ParameterName, 'Decrypt FILE (`sops -d FILE`, the form of `decrypt`)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Rotate FILE''s data key, with the --add-* / --rm-* changes (the form of `rotate`)')
            [CompletionResult]::new('--rotate', '--rotate', [CompletionResultType]::ParameterName, 'Rotate FILE''s data key, with the --add-* / --rm-* changes (the form of `rotate`)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Show the sops metadata in the editor (the form of `edit -s`)')
            [CompletionResult]::new('--show-master-keys', '--show-master-keys', [CompletionResultType]::ParameterName, 'Show the sops metadata in the editor (the form of `edit -s`)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Write the result back to the input file')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Write the result back to the input file')
            [CompletionResult]::new('--check-for-updates', '--check-for-updates', [CompletionResultType]::ParameterName, 'Accepted for compatibility (sops-rs does not check for updates)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, '`keyservice`: one line per request on standard error; elsewhere accepted for compatibility')
            [CompletionResult]::new('--ignore-mac', '--ignore-mac', [CompletionResultType]::ParameterName, 'Decrypt even when the MAC does not match')
            [CompletionResult]::new('--mac-only-encrypted', '--mac-only-encrypted', [CompletionResultType]::ParameterName, 'Put only encrypted values into the MAC')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt a file and print the result (or write it with -i / --output)')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt a file and print the plaintext (or write it with -i / --output)')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Edit an encrypted file in $SOPS_EDITOR / $EDITOR; unchanged values keep their ciphertext')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Encrypt a file again under a new data key, optionally adding or removing keys')
            [CompletionResult]::new('updatekeys', 'updatekeys', [CompletionResultType]::ParameterValue, 'Make files'' keys match the config''s creation rule (values are not re-encrypted)')
            [CompletionResult]::new('groups', 'groups', [CompletionResultType]::ParameterValue, 'Add or delete key groups (Shamir secret sharing)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set one value of an encrypted file (VALUE is JSON); other values keep their ciphertext')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove one key or list element from an encrypted file')
            [CompletionResult]::new('exec-env', 'exec-env', [CompletionResultType]::ParameterValue, 'Run a command with the file''s top-level values as environment variables')
            [CompletionResult]::new('exec-file', 'exec-file', [CompletionResultType]::ParameterValue, 'Run a command with `{}` replaced by the path of the decrypted file (a FIFO by default)')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print the shell completion script for SHELL (bash, zsh, fish, elvish, powershell)')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Work with audit logs: verify a log''s hash chain, report on logs, hash a tree path')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page sops-rs(1) (roff), or write every page into a directory')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Fail when a file a creation rule covers is not encrypted, or a file''s metadata or MAC is broken (for pre-commit hooks and CI)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Report the state of every secret file under a tree without any key: leaks, recipients that differ from the creation rule, data keys older than the rotation policy, files without a MAC or that do not parse (for CI)')
            [CompletionResult]::new('git-merge', 'git-merge', [CompletionResultType]::ParameterValue, 'A git merge driver: three-way merge of encrypted files, key by key')
            [CompletionResult]::new('git-textconv', 'git-textconv', [CompletionResultType]::ParameterValue, 'git''s textconv for encrypted files: FILE decrypted, or (without the key) a one-line note and FILE as stored, so that `git diff` never fails')
            [CompletionResult]::new('git', 'git', [CompletionResultType]::ParameterValue, 'Set git up for encrypted files: the diff and merge drivers, and `.gitattributes` lines for every file the creation rules cover')
            [CompletionResult]::new('publish', 'publish', [CompletionResultType]::ParameterValue, 'Send a file (or a directory''s files) to the S3 bucket, GCS bucket or Vault KV path its destination rule names')
            [CompletionResult]::new('keyservice', 'keyservice', [CompletionResultType]::ParameterValue, 'Serve sops''s key service (gRPC): wrap and unwrap data keys for other sops and sops-rs processes with this process''s credentials. Default: a private unix socket')
            [CompletionResult]::new('filestatus', 'filestatus', [CompletionResultType]::ParameterValue, 'Print {"encrypted":true} or {"encrypted":false} for a file')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sops-rs;encrypt' {
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the result to this file instead of standard output')
            [CompletionResult]::new('--filename-override', '--filename-override', [CompletionResultType]::ParameterName, 'Treat the input as if it had this file name (format detection, standard input)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'age recipients to encrypt for, comma-separated')
            [CompletionResult]::new('--age', '--age', [CompletionResultType]::ParameterName, 'age recipients to encrypt for, comma-separated')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'PGP fingerprints to encrypt for, comma-separated')
            [CompletionResult]::new('--pgp', '--pgp', [CompletionResultType]::ParameterName, 'PGP fingerprints to encrypt for, comma-separated')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated')
            [CompletionResult]::new('--kms', '--kms', [CompletionResultType]::ParameterName, 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated')
            [CompletionResult]::new('--gcp-kms', '--gcp-kms', [CompletionResultType]::ParameterName, 'GCP KMS resource IDs, comma-separated')
            [CompletionResult]::new('--hckms', '--hckms', [CompletionResultType]::ParameterName, 'Huawei Cloud KMS key IDs (REGION:KEY_UUID), comma-separated')
            [CompletionResult]::new('--azure-kv', '--azure-kv', [CompletionResultType]::ParameterName, 'Azure Key Vault key URLs, comma-separated')
            [CompletionResult]::new('--hc-vault-transit', '--hc-vault-transit', [CompletionResultType]::ParameterName, 'HashiCorp Vault Transit key URIs, comma-separated')
            [CompletionResult]::new('--aws-profile', '--aws-profile', [CompletionResultType]::ParameterName, 'AWS profile for the KMS keys')
            [CompletionResult]::new('--encryption-context', '--encryption-context', [CompletionResultType]::ParameterName, 'AWS KMS encryption context for new keys: key:value pairs, comma-separated')
            [CompletionResult]::new('--shamir-secret-sharing-threshold', '--shamir-secret-sharing-threshold', [CompletionResultType]::ParameterName, 'Number of key groups needed to decrypt (Shamir threshold)')
            [CompletionResult]::new('--keyservice', '--keyservice', [CompletionResultType]::ParameterName, 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)')
            [CompletionResult]::new('--enable-local-keyservice', '--enable-local-keyservice', [CompletionResultType]::ParameterName, 'Use this process''s own keys and credentials first (default true; =false uses only the --keyservice services)')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--unencrypted-suffix', '--unencrypted-suffix', [CompletionResultType]::ParameterName, 'Leave keys with this suffix (and everything below them) unencrypted [default: _unencrypted]')
            [CompletionResult]::new('--encrypted-suffix', '--encrypted-suffix', [CompletionResultType]::ParameterName, 'Encrypt only keys with this suffix (and everything below them)')
            [CompletionResult]::new('--unencrypted-regex', '--unencrypted-regex', [CompletionResultType]::ParameterName, 'Leave keys matching this regex (and everything below them) unencrypted')
            [CompletionResult]::new('--encrypted-regex', '--encrypted-regex', [CompletionResultType]::ParameterName, 'Encrypt only keys matching this regex (and everything below them)')
            [CompletionResult]::new('--unencrypted-comment-regex', '--unencrypted-comment-regex', [CompletionResultType]::ParameterName, 'Leave values after a comment matching this regex unencrypted')
            [CompletionResult]::new('--encrypted-comment-regex', '--encrypted-comment-regex', [CompletionResultType]::ParameterName, 'Encrypt only values after a comment matching this regex')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when decrypting, comma-separated (default: age,pgp)')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)')
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)')
            [CompletionResult]::new('--output-dir', '--output-dir', [CompletionResultType]::ParameterName, 'Write each result into this directory, under the file''s path relative to the current directory (or its name, for a path outside it)')
            [CompletionResult]::new('--reuse-from', '--reuse-from', [CompletionResultType]::ParameterName, 'Encrypt with the data key and keys of this existing encrypted file, so that values that did not change keep their exact ciphertext (small diffs in git)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Write the result back to the input file')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Write the result back to the input file')
            [CompletionResult]::new('--ignore-mac', '--ignore-mac', [CompletionResultType]::ParameterName, 'Decrypt even when the MAC does not match')
            [CompletionResult]::new('--mac-only-encrypted', '--mac-only-encrypted', [CompletionResultType]::ParameterName, 'Put only encrypted values into the MAC')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'Walk the directories among the FILE arguments (hidden entries are skipped)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sops-rs;decrypt' {
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the result to this file instead of standard output')
            [CompletionResult]::new('--extract', '--extract', [CompletionResultType]::ParameterName, 'Decrypt only the value at this tree path, e.g. ''["db"]["password"]''')
            [CompletionResult]::new('--filename-override', '--filename-override', [CompletionResultType]::ParameterName, 'Treat the input as if it had this file name (format detection, standard input)')
            [CompletionResult]::new('--keyservice', '--keyservice', [CompletionResultType]::ParameterName, 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)')
            [CompletionResult]::new('--enable-local-keyservice', '--enable-local-keyservice', [CompletionResultType]::ParameterName, 'Use this process''s own keys and credentials first (default true; =false uses only the --keyservice services)')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when decrypting, comma-separated (default: age,pgp)')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)')
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)')
            [CompletionResult]::new('--output-dir', '--output-dir', [CompletionResultType]::ParameterName, 'Write each result into this directory, under the file''s path relative to the current directory (or its name, for a path outside it)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Write the result back to the input file')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Write the result back to the input file')
            [CompletionResult]::new('--ignore-mac', '--ignore-mac', [CompletionResultType]::ParameterName, 'Decrypt even when the MAC does not match')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'Walk the directories among the FILE arguments (hidden entries are skipped)')
            [CompletionResult]::new('--next-to-source', '--next-to-source', [CompletionResultType]::ParameterName, 'With several files: write each plaintext next to its source, named without its `.enc` or `.sops` part (`app.enc.yaml` -> `app.yaml`), or with `.dec` before the extension when it has none (`app.yaml` -> `app.dec.yaml`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sops-rs;edit' {
            [CompletionResult]::new('--filename-override', '--filename-override', [CompletionResultType]::ParameterName, 'Treat the input as if it had this file name (format detection, standard input)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'age recipients to encrypt for, comma-separated')
            [CompletionResult]::new('--age', '--age', [CompletionResultType]::ParameterName, 'age recipients to encrypt for, comma-separated')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'PGP fingerprints to encrypt for, comma-separated')
            [CompletionResult]::new('--pgp', '--pgp', [CompletionResultType]::ParameterName, 'PGP fingerprints to encrypt for, comma-separated')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated')
            [CompletionResult]::new('--kms', '--kms', [CompletionResultType]::ParameterName, 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated')
            [CompletionResult]::new('--gcp-kms', '--gcp-kms', [CompletionResultType]::ParameterName, 'GCP KMS resource IDs, comma-separated')
            [CompletionResult]::new('--hckms', '--hckms', [CompletionResultType]::ParameterName, 'Huawei Cloud KMS key IDs (REGION:KEY_UUID), comma-separated')
            [CompletionResult]::new('--azure-kv', '--azure-kv', [CompletionResultType]::ParameterName, 'Azure Key Vault key URLs, comma-separated')
            [CompletionResult]::new('--hc-vault-transit', '--hc-vault-transit', [CompletionResultType]::ParameterName, 'HashiCorp Vault Transit key URIs, comma-separated')
            [CompletionResult]::new('--aws-profile', '--aws-profile', [CompletionResultType]::ParameterName, 'AWS profile for the KMS keys')
            [CompletionResult]::new('--encryption-context', '--encryption-context', [CompletionResultType]::ParameterName, 'AWS KMS encryption context for new keys: key:value pairs, comma-separated')
            [CompletionResult]::new('--shamir-secret-sharing-threshold', '--shamir-secret-sharing-threshold', [CompletionResultType]::ParameterName, 'Number of key groups needed to decrypt (Shamir threshold)')
            [CompletionResult]::new('--keyservice', '--keyservice', [CompletionResultType]::ParameterName, 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)')
            [CompletionResult]::new('--enable-local-keyservice', '--enable-local-keyservice', [CompletionResultType]::ParameterName, 'Use this process''s own keys and credentials first (default true; =false uses only the --keyservice services)')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--unencrypted-suffix', '--unencrypted-suffix', [CompletionResultType]::ParameterName, 'Leave keys with this suffix (and everything below them) unencrypted [default: _unencrypted]')
            [CompletionResult]::new('--encrypted-suffix', '--encrypted-suffix', [CompletionResultType]::ParameterName, 'Encrypt only keys with this suffix (and everything below them)')
            [CompletionResult]::new('--unencrypted-regex', '--unencrypted-regex', [CompletionResultType]::ParameterName, 'Leave keys matching this regex (and everything below them) unencrypted')
            [CompletionResult]::new('--encrypted-regex', '--encrypted-regex', [CompletionResultType]::ParameterName, 'Encrypt only keys matching this regex (and everything below them)')
            [CompletionResult]::new('--unencrypted-comment-regex', '--unencrypted-comment-regex', [CompletionResultType]::ParameterName, 'Leave values after a comment matching this regex unencrypted')
            [CompletionResult]::new('--encrypted-comment-regex', '--encrypted-comment-regex', [CompletionResultType]::ParameterName, 'Encrypt only values after a comment matching this regex')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when decrypting, comma-separated (default: age,pgp)')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)')
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)')
            [CompletionResult]::new('--ignore-mac', '--ignore-mac', [CompletionResultType]::ParameterName, 'Decrypt even when the MAC does not match')
            [CompletionResult]::new('--mac-only-encrypted', '--mac-only-encrypted', [CompletionResultType]::ParameterName, 'Put only encrypted values into the MAC')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Show the sops metadata in the editor too (it cannot be changed there)')
            [CompletionResult]::new('--show-master-keys', '--show-master-keys', [CompletionResultType]::ParameterName, 'Show the sops metadata in the editor too (it cannot be changed there)')
            [CompletionResult]::new('--keep-key-credentials', '--keep-key-credentials', [CompletionResultType]::ParameterName, 'Pass sops-rs''s key credentials (SOPS_AGE_KEY*, VAULT_TOKEN, cloud credentials, ...) on to the editor; by default they are removed from its environment')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sops-rs;rotate' {
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the result to this file instead of standard output')
            [CompletionResult]::new('--filename-override', '--filename-override', [CompletionResultType]::ParameterName, 'Treat the input as if it had this file name (format detection, standard input)')
            [CompletionResult]::new('--aws-profile', '--aws-profile', [CompletionResultType]::ParameterName, 'AWS profile for the KMS keys')
            [CompletionResult]::new('--encryption-context', '--encryption-context', [CompletionResultType]::ParameterName, 'AWS KMS encryption context for new keys: key:value pairs, comma-separated')
            [CompletionResult]::new('--keyservice', '--keyservice', [CompletionResultType]::ParameterName, 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)')
            [CompletionResult]::new('--enable-local-keyservice', '--enable-local-keyservice', [CompletionResultType]::ParameterName, 'Use this process''s own keys and credentials first (default true; =false uses only the --keyservice services)')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when decrypting, comma-separated (default: age,pgp)')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)')
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)')
            [CompletionResult]::new('--add-age', '--add-age', [CompletionResultType]::ParameterName, 'age recipients to add')
            [CompletionResult]::new('--rm-age', '--rm-age', [CompletionResultType]::ParameterName, 'age recipients to remove')
            [CompletionResult]::new('--add-pgp', '--add-pgp', [CompletionResultType]::ParameterName, 'PGP fingerprints to add')
            [CompletionResult]::new('--rm-pgp', '--rm-pgp', [CompletionResultType]::ParameterName, 'PGP fingerprints to remove')
            [CompletionResult]::new('--add-kms', '--add-kms', [CompletionResultType]::ParameterName, 'AWS KMS ARNs to add')
            [CompletionResult]::new('--rm-kms', '--rm-kms', [CompletionResultType]::ParameterName, 'AWS KMS ARNs to remove')
            [CompletionResult]::new('--add-gcp-kms', '--add-gcp-kms', [CompletionResultType]::ParameterName, 'GCP KMS resource IDs to add')
            [CompletionResult]::new('--rm-gcp-kms', '--rm-gcp-kms', [CompletionResultType]::ParameterName, 'GCP KMS resource IDs to remove')
            [CompletionResult]::new('--add-hckms', '--add-hckms', [CompletionResultType]::ParameterName, 'Huawei Cloud KMS key IDs to add')
            [CompletionResult]::new('--rm-hckms', '--rm-hckms', [CompletionResultType]::ParameterName, 'Huawei Cloud KMS key IDs to remove')
            [CompletionResult]::new('--add-azure-kv', '--add-azure-kv', [CompletionResultType]::ParameterName, 'Azure Key Vault key URLs to add')
            [CompletionResult]::new('--rm-azure-kv', '--rm-azure-kv', [CompletionResultType]::ParameterName, 'Azure Key Vault key URLs to remove')
            [CompletionResult]::new('--add-hc-vault-transit', '--add-hc-vault-transit', [CompletionResultType]::ParameterName, 'Vault Transit URIs to add')
            [CompletionResult]::new('--rm-hc-vault-transit', '--rm-hc-vault-transit', [CompletionResultType]::ParameterName, 'Vault Transit URIs to remove')
            [CompletionResult]::new('--output-dir', '--output-dir', [CompletionResultType]::ParameterName, 'Write each result into this directory, under the file''s path relative to the current directory (or its name, for a path outside it)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Write the result back to the input file')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Write the result back to the input file')
            [CompletionResult]::new('--ignore-mac', '--ignore-mac', [CompletionResultType]::ParameterName, 'Decrypt even when the MAC does not match')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'Walk the directories among the FILE arguments (hidden entries are skipped)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a JSON result object on stdout (needs -i or --output, as the file cannot share stdout), and errors as JSON on stderr (docs/json-output.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sops-rs;updatekeys' {
            [CompletionResult]::new('--filename-override', '--filename-override', [CompletionResultType]::ParameterName, 'Treat the input as if it had this file name (format detection, standard input)')
            [CompletionResult]::new('--keyservice', '--keyservice', [CompletionResultType]::ParameterName, 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)')
            [CompletionResult]::new('--enable-local-keyservice', '--enable-local-keyservice', [CompletionResultType]::ParameterName, 'Use this process''s own keys and credentials first (default true; =false uses only the --keyservice services)')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when decrypting, comma-separated (default: age,pgp)')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'Walk the directories among the FILE arguments for encrypted files (hidden entries are skipped)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Apply the changes without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Apply the changes without asking')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON result object per file on stdout (keys added and removed), and errors as JSON on stderr (docs/json-output.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sops-rs;groups' {
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the result to this file instead of standard output')
            [CompletionResult]::new('--extract', '--extract', [CompletionResultType]::ParameterName, 'Decrypt only the value at this tree path, e.g. ''["db"]["password"]''')
            [CompletionResult]::new('--filename-override', '--filename-override', [CompletionResultType]::ParameterName, 'Treat the input as if it had this file name (format detection, standard input)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'age recipients to encrypt for, comma-separated')
            [CompletionResult]::new('--age', '--age', [CompletionResultType]::ParameterName, 'age recipients to encrypt for, comma-separated')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'PGP fingerprints to encrypt for, comma-separated')
            [CompletionResult]::new('--pgp', '--pgp', [CompletionResultType]::ParameterName, 'PGP fingerprints to encrypt for, comma-separated')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated')
            [CompletionResult]::new('--kms', '--kms', [CompletionResultType]::ParameterName, 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated')
            [CompletionResult]::new('--gcp-kms', '--gcp-kms', [CompletionResultType]::ParameterName, 'GCP KMS resource IDs, comma-separated')
            [CompletionResult]::new('--hckms', '--hckms', [CompletionResultType]::ParameterName, 'Huawei Cloud KMS key IDs (REGION:KEY_UUID), comma-separated')
            [CompletionResult]::new('--azure-kv', '--azure-kv', [CompletionResultType]::ParameterName, 'Azure Key Vault key URLs, comma-separated')
            [CompletionResult]::new('--hc-vault-transit', '--hc-vault-transit', [CompletionResultType]::ParameterName, 'HashiCorp Vault Transit key URIs, comma-separated')
            [CompletionResult]::new('--aws-profile', '--aws-profile', [CompletionResultType]::ParameterName, 'AWS profile for the KMS keys')
            [CompletionResult]::new('--encryption-context', '--encryption-context', [CompletionResultType]::ParameterName, 'AWS KMS encryption context for new keys: key:value pairs, comma-separated')
            [CompletionResult]::new('--shamir-secret-sharing-threshold', '--shamir-secret-sharing-threshold', [CompletionResultType]::ParameterName, 'Number of key groups needed to decrypt (Shamir threshold)')
            [CompletionResult]::new('--keyservice', '--keyservice', [CompletionResultType]::ParameterName, 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)')
            [CompletionResult]::new('--enable-local-keyservice', '--enable-local-keyservice', [CompletionResultType]::ParameterName, 'Use this process''s own keys and credentials first (default true; =false uses only the --keyservice services)')
            [CompletionResult]::new('--disable-version-check', '--disable-version-check', [CompletionResultType]::ParameterName, 'Accepted for compatibility: sops-rs never contacts the network to check for updates')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--unencrypted-suffix', '--unencrypted-suffix', [CompletionResultType]::ParameterName, 'Leave keys with this suffix (and everything below them) unencrypted [default: _unencrypted]')
            [CompletionResult]::new('--encrypted-suffix', '--encrypted-suffix', [CompletionResultType]::ParameterName, 'Encrypt only keys with this suffix (and everything below them)')
            [CompletionResult]::new('--unencrypted-regex', '--unencrypted-regex', [CompletionResultType]::ParameterName, 'Leave keys matching this regex (and everything below them) unencrypted')
            [CompletionResult]::new('--encrypted-regex', '--encrypted-regex', [CompletionResultType]::ParameterName, 'Encrypt only keys matching this regex (and everything below them)')
            [CompletionResult]::new('--unencrypted-comment-regex', '--unencrypted-comment-regex', [CompletionResultType]::ParameterName, 'Leave values after a comment matching this regex unencrypted')
            [CompletionResult]::new('--encrypted-comment-regex', '--encrypted-comment-regex', [CompletionResultType]::ParameterName, 'Encrypt only values after a comment matching this regex')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when decrypting, comma-separated (default: age,pgp)')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)')
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Write the result back to the input file')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Write the result back to the input file')
            [CompletionResult]::new('--check-for-updates', '--check-for-updates', [CompletionResultType]::ParameterName, 'Accepted for compatibility (sops-rs does not check for updates)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, '`keyservice`: one line per request on standard error; elsewhere accepted for compatibility')
            [CompletionResult]::new('--ignore-mac', '--ignore-mac', [CompletionResultType]::ParameterName, 'Decrypt even when the MAC does not match')
            [CompletionResult]::new('--mac-only-encrypted', '--mac-only-encrypted', [CompletionResultType]::ParameterName, 'Put only encrypted values into the MAC')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a key group made of the keys given with --age, --pgp, ...')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete the key group at INDEX (0-based)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sops-rs;groups;add' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The encrypted file')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The encrypted file')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the result to this file instead of standard output')
            [CompletionResult]::new('--filename-override', '--filename-override', [CompletionResultType]::ParameterName, 'Treat the input as if it had this file name (format detection, standard input)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'age recipients to encrypt for, comma-separated')
            [CompletionResult]::new('--age', '--age', [CompletionResultType]::ParameterName, 'age recipients to encrypt for, comma-separated')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'PGP fingerprints to encrypt for, comma-separated')
            [CompletionResult]::new('--pgp', '--pgp', [CompletionResultType]::ParameterName, 'PGP fingerprints to encrypt for, comma-separated')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated')
            [CompletionResult]::new('--kms', '--kms', [CompletionResultType]::ParameterName, 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated')
            [CompletionResult]::new('--gcp-kms', '--gcp-kms', [CompletionResultType]::ParameterName, 'GCP KMS resource IDs, comma-separated')
            [CompletionResult]::new('--hckms', '--hckms', [CompletionResultType]::ParameterName, 'Huawei Cloud KMS key IDs (REGION:KEY_UUID), comma-separated')
            [CompletionResult]::new('--azure-kv', '--azure-kv', [CompletionResultType]::ParameterName, 'Azure Key Vault key URLs, comma-separated')
            [CompletionResult]::new('--hc-vault-transit', '--hc-vault-transit', [CompletionResultType]::ParameterName, 'HashiCorp Vault Transit key URIs, comma-separated')
            [CompletionResult]::new('--aws-profile', '--aws-profile', [CompletionResultType]::ParameterName, 'AWS profile for the KMS keys')
            [CompletionResult]::new('--encryption-context', '--encryption-context', [CompletionResultType]::ParameterName, 'AWS KMS encryption context for new keys: key:value pairs, comma-separated')
            [CompletionResult]::new('--shamir-secret-sharing-threshold', '--shamir-secret-sharing-threshold', [CompletionResultType]::ParameterName, 'Number of key groups needed to decrypt (Shamir threshold)')
            [CompletionResult]::new('--keyservice', '--keyservice', [CompletionResultType]::ParameterName, 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)')
            [CompletionResult]::new('--enable-local-keyservice', '--enable-local-keyservice', [CompletionResultType]::ParameterName, 'Use this process''s own keys and credentials first (default true; =false uses only the --keyservice services)')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when decrypting, comma-separated (default: age,pgp)')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)')
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Write the result back to the input file')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Write the result back to the input file')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sops-rs;groups;delete' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The encrypted file')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The encrypted file')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the result to this file instead of standard output')
            [CompletionResult]::new('--filename-override', '--filename-override', [CompletionResultType]::ParameterName, 'Treat the input as if it had this file name (format detection, standard input)')
            [CompletionResult]::new('--shamir-secret-sharing-threshold', '--shamir-secret-sharing-threshold', [CompletionResultType]::ParameterName, 'Number of key groups needed to decrypt (Shamir threshold)')
            [CompletionResult]::new('--keyservice', '--keyservice', [CompletionResultType]::ParameterName, 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)')
            [CompletionResult]::new('--enable-local-keyservice', '--enable-local-keyservice', [CompletionResultType]::ParameterName, 'Use this process''s own keys and credentials first (default true; =false uses only the --keyservice services)')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when decrypting, comma-separated (default: age,pgp)')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)')
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Write the result back to the input file')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Write the result back to the input file')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sops-rs;groups;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a key group made of the keys given with --age, --pgp, ...')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete the key group at INDEX (0-based)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sops-rs;groups;help;add' {
            break
        }
        'sops-rs;groups;help;delete' {
            break
        }
        'sops-rs;groups;help;help' {
            break
        }
        'sops-rs;set' {
            [CompletionResult]::new('--filename-override', '--filename-override', [CompletionResultType]::ParameterName, 'Treat the input as if it had this file name (format detection, standard input)')
            [CompletionResult]::new('--shamir-secret-sharing-threshold', '--shamir-secret-sharing-threshold', [CompletionResultType]::ParameterName, 'Number of key groups needed to decrypt (Shamir threshold)')
            [CompletionResult]::new('--keyservice', '--keyservice', [CompletionResultType]::ParameterName, 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)')
            [CompletionResult]::new('--enable-local-keyservice', '--enable-local-keyservice', [CompletionResultType]::ParameterName, 'Use this process''s own keys and credentials first (default true; =false uses only the --keyservice services)')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when decrypting, comma-separated (default: age,pgp)')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)')
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)')
            [CompletionResult]::new('--ignore-mac', '--ignore-mac', [CompletionResultType]::ParameterName, 'Decrypt even when the MAC does not match')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('--value-file', '--value-file', [CompletionResultType]::ParameterName, 'VALUE names a file whose content is the JSON value')
            [CompletionResult]::new('--value-stdin', '--value-stdin', [CompletionResultType]::ParameterName, 'Read the JSON value from standard input (no VALUE argument)')
            [CompletionResult]::new('--idempotent', '--idempotent', [CompletionResultType]::ParameterName, 'Do not rewrite the file when the value is already there')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a JSON result object on stdout (the tree path and whether it changed, never the value), and errors as JSON on stderr (docs/json-output.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sops-rs;unset' {
            [CompletionResult]::new('--filename-override', '--filename-override', [CompletionResultType]::ParameterName, 'Treat the input as if it had this file name (format detection, standard input)')
            [CompletionResult]::new('--shamir-secret-sharing-threshold', '--shamir-secret-sharing-threshold', [CompletionResultType]::ParameterName, 'Number of key groups needed to decrypt (Shamir threshold)')
            [CompletionResult]::new('--keyservice', '--keyservice', [CompletionResultType]::ParameterName, 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)')
            [CompletionResult]::new('--enable-local-keyservice', '--enable-local-keyservice', [CompletionResultType]::ParameterName, 'Use this process''s own keys and credentials first (default true; =false uses only the --keyservice services)')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when decrypting, comma-separated (default: age,pgp)')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)')
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)')
            [CompletionResult]::new('--ignore-mac', '--ignore-mac', [CompletionResultType]::ParameterName, 'Decrypt even when the MAC does not match')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('--idempotent', '--idempotent', [CompletionResultType]::ParameterName, 'Succeed without writing when the path does not exist')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a JSON result object on stdout (the tree path and whether it was removed), and errors as JSON on stderr (docs/json-output.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sops-rs;exec-env' {
            [CompletionResult]::new('--filename-override', '--filename-override', [CompletionResultType]::ParameterName, 'Treat the input as if it had this file name (format detection, standard input)')
            [CompletionResult]::new('--keyservice', '--keyservice', [CompletionResultType]::ParameterName, 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)')
            [CompletionResult]::new('--enable-local-keyservice', '--enable-local-keyservice', [CompletionResultType]::ParameterName, 'Use this process''s own keys and credentials first (default true; =false uses only the --keyservice services)')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when decrypting, comma-separated (default: age,pgp)')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Run the command as this user (needs the privilege to switch users)')
            [CompletionResult]::new('--ignore-mac', '--ignore-mac', [CompletionResultType]::ParameterName, 'Decrypt even when the MAC does not match')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('--pristine', '--pristine', [CompletionResultType]::ParameterName, 'Start the command with only the secrets in its environment')
            [CompletionResult]::new('--same-process', '--same-process', [CompletionResultType]::ParameterName, 'Replace sops-rs with the command instead of running it as a child')
            [CompletionResult]::new('--keep-key-credentials', '--keep-key-credentials', [CompletionResultType]::ParameterName, 'Pass sops-rs''s key credentials (SOPS_AGE_KEY*, VAULT_TOKEN, cloud credentials, ...) on to the command; by default it gets the file''s secrets but not the keys to other files')
            [CompletionResult]::new('--background', '--background', [CompletionResultType]::ParameterName, 'sops''s deprecated --background (not supported: sops-rs waits for the command)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sops-rs;exec-file' {
            [CompletionResult]::new('--filename-override', '--filename-override', [CompletionResultType]::ParameterName, 'Treat the input as if it had this file name (format detection, standard input)')
            [CompletionResult]::new('--keyservice', '--keyservice', [CompletionResultType]::ParameterName, 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)')
            [CompletionResult]::new('--enable-local-keyservice', '--enable-local-keyservice', [CompletionResultType]::ParameterName, 'Use this process''s own keys and credentials first (default true; =false uses only the --keyservice services)')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when decrypting, comma-separated (default: age,pgp)')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)')
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'The plaintext file''s name inside its private directory')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Run the command as this user (needs the privilege to switch users)')
            [CompletionResult]::new('--ignore-mac', '--ignore-mac', [CompletionResultType]::ParameterName, 'Decrypt even when the MAC does not match')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('--no-fifo', '--no-fifo', [CompletionResultType]::ParameterName, 'Write a regular 0600 file instead of a FIFO (for programs that seek or read twice; always so on Windows)')
            [CompletionResult]::new('--keep-key-credentials', '--keep-key-credentials', [CompletionResultType]::ParameterName, 'Pass sops-rs''s key credentials (SOPS_AGE_KEY*, VAULT_TOKEN, cloud credentials, ...) on to the command; by default it gets the file''s secrets but not the keys to other files')
            [CompletionResult]::new('--background', '--background', [CompletionResultType]::ParameterName, 'sops''s deprecated --background (not supported: sops-rs waits for the command)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sops-rs;completion' {
            [CompletionResult]::new('--keyservice', '--keyservice', [CompletionResultType]::ParameterName, 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)')
            [CompletionResult]::new('--enable-local-keyservice', '--enable-local-keyservice', [CompletionResultType]::ParameterName, 'Use this process''s own keys and credentials first (default true; =false uses only the --keyservice services)')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sops-rs;audit' {
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the result to this file instead of standard output')
            [CompletionResult]::new('--extract', '--extract', [CompletionResultType]::ParameterName, 'Decrypt only the value at this tree path, e.g. ''["db"]["password"]''')
            [CompletionResult]::new('--filename-override', '--filename-override', [CompletionResultType]::ParameterName, 'Treat the input as if it had this file name (format detection, standard input)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'age recipients to encrypt for, comma-separated')
            [CompletionResult]::new('--age', '--age', [CompletionResultType]::ParameterName, 'age recipients to encrypt for, comma-separated')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'PGP fingerprints to encrypt for, comma-separated')
            [CompletionResult]::new('--pgp', '--pgp', [CompletionResultType]::ParameterName, 'PGP fingerprints to encrypt for, comma-separated')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated')
            [CompletionResult]::new('--kms', '--kms', [CompletionResultType]::ParameterName, 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated')
            [CompletionResult]::new('--gcp-kms', '--gcp-kms', [CompletionResultType]::ParameterName, 'GCP KMS resource IDs, comma-separated')
            [CompletionResult]::new('--hckms', '--hckms', [CompletionResultType]::ParameterName, 'Huawei Cloud KMS key IDs (REGION:KEY_UUID), comma-separated')
            [CompletionResult]::new('--azure-kv', '--azure-kv', [CompletionResultType]::ParameterName, 'Azure Key Vault key URLs, comma-separated')
            [CompletionResult]::new('--hc-vault-transit', '--hc-vault-transit', [CompletionResultType]::ParameterName, 'HashiCorp Vault Transit key URIs, comma-separated')
            [CompletionResult]::new('--aws-profile', '--aws-profile', [CompletionResultType]::ParameterName, 'AWS profile for the KMS keys')
            [CompletionResult]::new('--encryption-context', '--encryption-context', [CompletionResultType]::ParameterName, 'AWS KMS encryption context for new keys: key:value pairs, comma-separated')
            [CompletionResult]::new('--shamir-secret-sharing-threshold', '--shamir-secret-sharing-threshold', [CompletionResultType]::ParameterName, 'Number of key groups needed to decrypt (Shamir threshold)')
            [CompletionResult]::new('--keyservice', '--keyservice', [CompletionResultType]::ParameterName, 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)')
            [CompletionResult]::new('--enable-local-keyservice', '--enable-local-keyservice', [CompletionResultType]::ParameterName, 'Use this process''s own keys and credentials first (default true; =false uses only the --keyservice services)')
            [CompletionResult]::new('--disable-version-check', '--disable-version-check', [CompletionResultType]::ParameterName, 'Accepted for compatibility: sops-rs never contacts the network to check for updates')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--unencrypted-suffix', '--unencrypted-suffix', [CompletionResultType]::ParameterName, 'Leave keys with this suffix (and everything below them) unencrypted [default: _unencrypted]')
            [CompletionResult]::new('--encrypted-suffix', '--encrypted-suffix', [CompletionResultType]::ParameterName, 'Encrypt only keys with this suffix (and everything below them)')
            [CompletionResult]::new('--unencrypted-regex', '--unencrypted-regex', [CompletionResultType]::ParameterName, 'Leave keys matching this regex (and everything below them) unencrypted')
            [CompletionResult]::new('--encrypted-regex', '--encrypted-regex', [CompletionResultType]::ParameterName, 'Encrypt only keys matching this regex (and everything below them)')
            [CompletionResult]::new('--unencrypted-comment-regex', '--unencrypted-comment-regex', [CompletionResultType]::ParameterName, 'Leave values after a comment matching this regex unencrypted')
            [CompletionResult]::new('--encrypted-comment-regex', '--encrypted-comment-regex', [CompletionResultType]::ParameterName, 'Encrypt only values after a comment matching this regex')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when decrypting, comma-separated (default: age,pgp)')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)')
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Write the result back to the input file')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Write the result back to the input file')
            [CompletionResult]::new('--check-for-updates', '--check-for-updates', [CompletionResultType]::ParameterName, 'Accepted for compatibility (sops-rs does not check for updates)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, '`keyservice`: one line per request on standard error; elsewhere accepted for compatibility')
            [CompletionResult]::new('--ignore-mac', '--ignore-mac', [CompletionResultType]::ParameterName, 'Decrypt even when the MAC does not match')
            [CompletionResult]::new('--mac-only-encrypted', '--mac-only-encrypted', [CompletionResultType]::ParameterName, 'Put only encrypted values into the MAC')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check an audit log''s hash chain; report the first broken line')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Report on audit logs: who read which file when, counts per file and key, KMS error rate, provider latency, denied and failed operations, new actors and CI repositories, rotations')
            [CompletionResult]::new('hash', 'hash', [CompletionResultType]::ParameterValue, 'Print the HMAC of a tree path under SOPS_RS_AUDIT_HMAC_KEY, to search the logs with')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sops-rs;audit;verify' {
            [CompletionResult]::new('--head', '--head', [CompletionResultType]::ParameterName, 'Also require the log to reach this head: a digest printed by an earlier run (`sha256:...`), or a head file written through SOPS_RS_AUDIT_HEAD. With SOPS_RS_AUDIT_HMAC_KEY set, every line''s MAC is checked too')
            [CompletionResult]::new('--keyservice', '--keyservice', [CompletionResultType]::ParameterName, 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)')
            [CompletionResult]::new('--enable-local-keyservice', '--enable-local-keyservice', [CompletionResultType]::ParameterName, 'Use this process''s own keys and credentials first (default true; =false uses only the --keyservice services)')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as JSON')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sops-rs;audit;report' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Count records from this time on: RFC 3339 (2026-12-01T00:00:00Z) or an age (90s, 30m, 12h, 7d, 2w). Earlier records only tell which actors and repositories are known')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Count records before this time (same forms as --since)')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'A log of earlier use: actors and CI repositories in it are not reported as new. Repeatable')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Rows shown per list in the table (the newest); --json prints every row')
            [CompletionResult]::new('--keyservice', '--keyservice', [CompletionResultType]::ParameterName, 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)')
            [CompletionResult]::new('--enable-local-keyservice', '--enable-local-keyservice', [CompletionResultType]::ParameterName, 'Use this process''s own keys and credentials first (default true; =false uses only the --keyservice services)')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the report as one JSON object (schema sops-rs.audit-report/1)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sops-rs;audit;hash' {
            [CompletionResult]::new('--keyservice', '--keyservice', [CompletionResultType]::ParameterName, 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)')
            [CompletionResult]::new('--enable-local-keyservice', '--enable-local-keyservice', [CompletionResultType]::ParameterName, 'Use this process''s own keys and credentials first (default true; =false uses only the --keyservice services)')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sops-rs;audit;help' {
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check an audit log''s hash chain; report the first broken line')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Report on audit logs: who read which file when, counts per file and key, KMS error rate, provider latency, denied and failed operations, new actors and CI repositories, rotations')
            [CompletionResult]::new('hash', 'hash', [CompletionResultType]::ParameterValue, 'Print the HMAC of a tree path under SOPS_RS_AUDIT_HMAC_KEY, to search the logs with')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sops-rs;audit;help;verify' {
            break
        }
        'sops-rs;audit;help;report' {
            break
        }
        'sops-rs;audit;help;hash' {
            break
        }
        'sops-rs;audit;help;help' {
            break
        }
        'sops-rs;man' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write sops-rs.1 and one page per subcommand (sops-rs-encrypt.1, ...) into this directory instead of printing sops-rs.1')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the result to this file instead of standard output')
            [CompletionResult]::new('--extract', '--extract', [CompletionResultType]::ParameterName, 'Decrypt only the value at this tree path, e.g. ''["db"]["password"]''')
            [CompletionResult]::new('--filename-override', '--filename-override', [CompletionResultType]::ParameterName, 'Treat the input as if it had this file name (format detection, standard input)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'age recipients to encrypt for, comma-separated')
            [CompletionResult]::new('--age', '--age', [CompletionResultType]::ParameterName, 'age recipients to encrypt for, comma-separated')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'PGP fingerprints to encrypt for, comma-separated')
            [CompletionResult]::new('--pgp', '--pgp', [CompletionResultType]::ParameterName, 'PGP fingerprints to encrypt for, comma-separated')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated')
            [CompletionResult]::new('--kms', '--kms', [CompletionResultType]::ParameterName, 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated')
            [CompletionResult]::new('--gcp-kms', '--gcp-kms', [CompletionResultType]::ParameterName, 'GCP KMS resource IDs, comma-separated')
            [CompletionResult]::new('--hckms', '--hckms', [CompletionResultType]::ParameterName, 'Huawei Cloud KMS key IDs (REGION:KEY_UUID), comma-separated')
            [CompletionResult]::new('--azure-kv', '--azure-kv', [CompletionResultType]::ParameterName, 'Azure Key Vault key URLs, comma-separated')
            [CompletionResult]::new('--hc-vault-transit', '--hc-vault-transit', [CompletionResultType]::ParameterName, 'HashiCorp Vault Transit key URIs, comma-separated')
            [CompletionResult]::new('--aws-profile', '--aws-profile', [CompletionResultType]::ParameterName, 'AWS profile for the KMS keys')
            [CompletionResult]::new('--encryption-context', '--encryption-context', [CompletionResultType]::ParameterName, 'AWS KMS encryption context for new keys: key:value pairs, comma-separated')
            [CompletionResult]::new('--shamir-secret-sharing-threshold', '--shamir-secret-sharing-threshold', [CompletionResultType]::ParameterName, 'Number of key groups needed to decrypt (Shamir threshold)')
            [CompletionResult]::new('--keyservice', '--keyservice', [CompletionResultType]::ParameterName, 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)')
            [CompletionResult]::new('--enable-local-keyservice', '--enable-local-keyservice', [CompletionResultType]::ParameterName, 'Use this process''s own keys and credentials first (default true; =false uses only the --keyservice services)')
            [CompletionResult]::new('--disable-version-check', '--disable-version-check', [CompletionResultType]::ParameterName, 'Accepted for compatibility: sops-rs never contacts the network to check for updates')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--unencrypted-suffix', '--unencrypted-suffix', [CompletionResultType]::ParameterName, 'Leave keys with this suffix (and everything below them) unencrypted [default: _unencrypted]')
            [CompletionResult]::new('--encrypted-suffix', '--encrypted-suffix', [CompletionResultType]::ParameterName, 'Encrypt only keys with this suffix (and everything below them)')
            [CompletionResult]::new('--unencrypted-regex', '--unencrypted-regex', [CompletionResultType]::ParameterName, 'Leave keys matching this regex (and everything below them) unencrypted')
            [CompletionResult]::new('--encrypted-regex', '--encrypted-regex', [CompletionResultType]::ParameterName, 'Encrypt only keys matching this regex (and everything below them)')
            [CompletionResult]::new('--unencrypted-comment-regex', '--unencrypted-comment-regex', [CompletionResultType]::ParameterName, 'Leave values after a comment matching this regex unencrypted')
            [CompletionResult]::new('--encrypted-comment-regex', '--encrypted-comment-regex', [CompletionResultType]::ParameterName, 'Encrypt only values after a comment matching this regex')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when decrypting, comma-separated (default: age,pgp)')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)')
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Write the result back to the input file')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Write the result back to the input file')
            [CompletionResult]::new('--check-for-updates', '--check-for-updates', [CompletionResultType]::ParameterName, 'Accepted for compatibility (sops-rs does not check for updates)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, '`keyservice`: one line per request on standard error; elsewhere accepted for compatibility')
            [CompletionResult]::new('--ignore-mac', '--ignore-mac', [CompletionResultType]::ParameterName, 'Decrypt even when the MAC does not match')
            [CompletionResult]::new('--mac-only-encrypted', '--mac-only-encrypted', [CompletionResultType]::ParameterName, 'Put only encrypted values into the MAC')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sops-rs;check' {
            [CompletionResult]::new('--keyservice', '--keyservice', [CompletionResultType]::ParameterName, 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)')
            [CompletionResult]::new('--enable-local-keyservice', '--enable-local-keyservice', [CompletionResultType]::ParameterName, 'Use this process''s own keys and credentials first (default true; =false uses only the --keyservice services)')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when decrypting, comma-separated (default: age,pgp)')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('--verify-mac', '--verify-mac', [CompletionResultType]::ParameterName, 'Also decrypt and verify each file''s MAC and look for conflict markers in every value (needs the keys)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per file')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sops-rs;status' {
            [CompletionResult]::new('--keyservice', '--keyservice', [CompletionResultType]::ParameterName, 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)')
            [CompletionResult]::new('--enable-local-keyservice', '--enable-local-keyservice', [CompletionResultType]::ParameterName, 'Use this process''s own keys and credentials first (default true; =false uses only the --keyservice services)')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'A rotation policy for every file, over the config''s `rotation.max_age` (36h, 90d, 12w)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'The findings that make the run fail (exit 1), comma-separated')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per file and a summary object (docs/json-output.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sops-rs;git-merge' {
            [CompletionResult]::new('--keyservice', '--keyservice', [CompletionResultType]::ParameterName, 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)')
            [CompletionResult]::new('--enable-local-keyservice', '--enable-local-keyservice', [CompletionResultType]::ParameterName, 'Use this process''s own keys and credentials first (default true; =false uses only the --keyservice services)')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when decrypting, comma-separated (default: age,pgp)')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)')
            [CompletionResult]::new('--ignore-mac', '--ignore-mac', [CompletionResultType]::ParameterName, 'Decrypt even when the MAC does not match')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sops-rs;git-textconv' {
            [CompletionResult]::new('--keyservice', '--keyservice', [CompletionResultType]::ParameterName, 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)')
            [CompletionResult]::new('--enable-local-keyservice', '--enable-local-keyservice', [CompletionResultType]::ParameterName, 'Use this process''s own keys and credentials first (default true; =false uses only the --keyservice services)')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when decrypting, comma-separated (default: age,pgp)')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)')
            [CompletionResult]::new('--ignore-mac', '--ignore-mac', [CompletionResultType]::ParameterName, 'Decrypt even when the MAC does not match')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sops-rs;git' {
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the result to this file instead of standard output')
            [CompletionResult]::new('--extract', '--extract', [CompletionResultType]::ParameterName, 'Decrypt only the value at this tree path, e.g. ''["db"]["password"]''')
            [CompletionResult]::new('--filename-override', '--filename-override', [CompletionResultType]::ParameterName, 'Treat the input as if it had this file name (format detection, standard input)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'age recipients to encrypt for, comma-separated')
            [CompletionResult]::new('--age', '--age', [CompletionResultType]::ParameterName, 'age recipients to encrypt for, comma-separated')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'PGP fingerprints to encrypt for, comma-separated')
            [CompletionResult]::new('--pgp', '--pgp', [CompletionResultType]::ParameterName, 'PGP fingerprints to encrypt for, comma-separated')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated')
            [CompletionResult]::new('--kms', '--kms', [CompletionResultType]::ParameterName, 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated')
            [CompletionResult]::new('--gcp-kms', '--gcp-kms', [CompletionResultType]::ParameterName, 'GCP KMS resource IDs, comma-separated')
            [CompletionResult]::new('--hckms', '--hckms', [CompletionResultType]::ParameterName, 'Huawei Cloud KMS key IDs (REGION:KEY_UUID), comma-separated')
            [CompletionResult]::new('--azure-kv', '--azure-kv', [CompletionResultType]::ParameterName, 'Azure Key Vault key URLs, comma-separated')
            [CompletionResult]::new('--hc-vault-transit', '--hc-vault-transit', [CompletionResultType]::ParameterName, 'HashiCorp Vault Transit key URIs, comma-separated')
            [CompletionResult]::new('--aws-profile', '--aws-profile', [CompletionResultType]::ParameterName, 'AWS profile for the KMS keys')
            [CompletionResult]::new('--encryption-context', '--encryption-context', [CompletionResultType]::ParameterName, 'AWS KMS encryption context for new keys: key:value pairs, comma-separated')
            [CompletionResult]::new('--shamir-secret-sharing-threshold', '--shamir-secret-sharing-threshold', [CompletionResultType]::ParameterName, 'Number of key groups needed to decrypt (Shamir threshold)')
            [CompletionResult]::new('--keyservice', '--keyservice', [CompletionResultType]::ParameterName, 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)')
            [CompletionResult]::new('--enable-local-keyservice', '--enable-local-keyservice', [CompletionResultType]::ParameterName, 'Use this process''s own keys and credentials first (default true; =false uses only the --keyservice services)')
            [CompletionResult]::new('--disable-version-check', '--disable-version-check', [CompletionResultType]::ParameterName, 'Accepted for compatibility: sops-rs never contacts the network to check for updates')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--unencrypted-suffix', '--unencrypted-suffix', [CompletionResultType]::ParameterName, 'Leave keys with this suffix (and everything below them) unencrypted [default: _unencrypted]')
            [CompletionResult]::new('--encrypted-suffix', '--encrypted-suffix', [CompletionResultType]::ParameterName, 'Encrypt only keys with this suffix (and everything below them)')
            [CompletionResult]::new('--unencrypted-regex', '--unencrypted-regex', [CompletionResultType]::ParameterName, 'Leave keys matching this regex (and everything below them) unencrypted')
            [CompletionResult]::new('--encrypted-regex', '--encrypted-regex', [CompletionResultType]::ParameterName, 'Encrypt only keys matching this regex (and everything below them)')
            [CompletionResult]::new('--unencrypted-comment-regex', '--unencrypted-comment-regex', [CompletionResultType]::ParameterName, 'Leave values after a comment matching this regex unencrypted')
            [CompletionResult]::new('--encrypted-comment-regex', '--encrypted-comment-regex', [CompletionResultType]::ParameterName, 'Encrypt only values after a comment matching this regex')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when decrypting, comma-separated (default: age,pgp)')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)')
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Write the result back to the input file')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Write the result back to the input file')
            [CompletionResult]::new('--check-for-updates', '--check-for-updates', [CompletionResultType]::ParameterName, 'Accepted for compatibility (sops-rs does not check for updates)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, '`keyservice`: one line per request on standard error; elsewhere accepted for compatibility')
            [CompletionResult]::new('--ignore-mac', '--ignore-mac', [CompletionResultType]::ParameterName, 'Decrypt even when the MAC does not match')
            [CompletionResult]::new('--mac-only-encrypted', '--mac-only-encrypted', [CompletionResultType]::ParameterName, 'Put only encrypted values into the MAC')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Configure git''s diff and merge drivers and add `.gitattributes` lines for every file the creation rules cover')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sops-rs;git;setup' {
            [CompletionResult]::new('--keyservice', '--keyservice', [CompletionResultType]::ParameterName, 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)')
            [CompletionResult]::new('--enable-local-keyservice', '--enable-local-keyservice', [CompletionResultType]::ParameterName, 'Use this process''s own keys and credentials first (default true; =false uses only the --keyservice services)')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--global', '--global', [CompletionResultType]::ParameterName, 'Write the drivers into your own git config (`git config --global`) instead of the repository''s')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would be written, and write nothing')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sops-rs;git;help' {
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Configure git''s diff and merge drivers and add `.gitattributes` lines for every file the creation rules cover')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sops-rs;git;help;setup' {
            break
        }
        'sops-rs;git;help;help' {
            break
        }
        'sops-rs;publish' {
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the result to this file instead of standard output')
            [CompletionResult]::new('--extract', '--extract', [CompletionResultType]::ParameterName, 'Decrypt only the value at this tree path, e.g. ''["db"]["password"]''')
            [CompletionResult]::new('--filename-override', '--filename-override', [CompletionResultType]::ParameterName, 'Treat the input as if it had this file name (format detection, standard input)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'age recipients to encrypt for, comma-separated')
            [CompletionResult]::new('--age', '--age', [CompletionResultType]::ParameterName, 'age recipients to encrypt for, comma-separated')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'PGP fingerprints to encrypt for, comma-separated')
            [CompletionResult]::new('--pgp', '--pgp', [CompletionResultType]::ParameterName, 'PGP fingerprints to encrypt for, comma-separated')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated')
            [CompletionResult]::new('--kms', '--kms', [CompletionResultType]::ParameterName, 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated')
            [CompletionResult]::new('--gcp-kms', '--gcp-kms', [CompletionResultType]::ParameterName, 'GCP KMS resource IDs, comma-separated')
            [CompletionResult]::new('--hckms', '--hckms', [CompletionResultType]::ParameterName, 'Huawei Cloud KMS key IDs (REGION:KEY_UUID), comma-separated')
            [CompletionResult]::new('--azure-kv', '--azure-kv', [CompletionResultType]::ParameterName, 'Azure Key Vault key URLs, comma-separated')
            [CompletionResult]::new('--hc-vault-transit', '--hc-vault-transit', [CompletionResultType]::ParameterName, 'HashiCorp Vault Transit key URIs, comma-separated')
            [CompletionResult]::new('--aws-profile', '--aws-profile', [CompletionResultType]::ParameterName, 'AWS profile for the KMS keys')
            [CompletionResult]::new('--encryption-context', '--encryption-context', [CompletionResultType]::ParameterName, 'AWS KMS encryption context for new keys: key:value pairs, comma-separated')
            [CompletionResult]::new('--shamir-secret-sharing-threshold', '--shamir-secret-sharing-threshold', [CompletionResultType]::ParameterName, 'Number of key groups needed to decrypt (Shamir threshold)')
            [CompletionResult]::new('--keyservice', '--keyservice', [CompletionResultType]::ParameterName, 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)')
            [CompletionResult]::new('--enable-local-keyservice', '--enable-local-keyservice', [CompletionResultType]::ParameterName, 'Use this process''s own keys and credentials first (default true; =false uses only the --keyservice services)')
            [CompletionResult]::new('--disable-version-check', '--disable-version-check', [CompletionResultType]::ParameterName, 'Accepted for compatibility: sops-rs never contacts the network to check for updates')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--unencrypted-suffix', '--unencrypted-suffix', [CompletionResultType]::ParameterName, 'Leave keys with this suffix (and everything below them) unencrypted [default: _unencrypted]')
            [CompletionResult]::new('--encrypted-suffix', '--encrypted-suffix', [CompletionResultType]::ParameterName, 'Encrypt only keys with this suffix (and everything below them)')
            [CompletionResult]::new('--unencrypted-regex', '--unencrypted-regex', [CompletionResultType]::ParameterName, 'Leave keys matching this regex (and everything below them) unencrypted')
            [CompletionResult]::new('--encrypted-regex', '--encrypted-regex', [CompletionResultType]::ParameterName, 'Encrypt only keys matching this regex (and everything below them)')
            [CompletionResult]::new('--unencrypted-comment-regex', '--unencrypted-comment-regex', [CompletionResultType]::ParameterName, 'Leave values after a comment matching this regex unencrypted')
            [CompletionResult]::new('--encrypted-comment-regex', '--encrypted-comment-regex', [CompletionResultType]::ParameterName, 'Encrypt only values after a comment matching this regex')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--decryption-order', '--decryption-order', [CompletionResultType]::ParameterName, 'Key types to try first when decrypting, comma-separated (default: age,pgp)')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)')
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Write the result back to the input file')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Write the result back to the input file')
            [CompletionResult]::new('--check-for-updates', '--check-for-updates', [CompletionResultType]::ParameterName, 'Accepted for compatibility (sops-rs does not check for updates)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, '`keyservice`: one line per request on standard error; elsewhere accepted for compatibility')
            [CompletionResult]::new('--ignore-mac', '--ignore-mac', [CompletionResultType]::ParameterName, 'Decrypt even when the MAC does not match')
            [CompletionResult]::new('--mac-only-encrypted', '--mac-only-encrypted', [CompletionResultType]::ParameterName, 'Put only encrypted values into the MAC')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Publish without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Publish without asking')
            [CompletionResult]::new('--omit-extensions', '--omit-extensions', [CompletionResultType]::ParameterName, 'Leave the file''s extension out of the destination name')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'Publish every file below the directory FILE (names keep their path below it)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sops-rs;keyservice' {
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'unix (the default) or tcp (sops''s default; also tcp4, tcp6)')
            [CompletionResult]::new('--net', '--net', [CompletionResultType]::ParameterName, 'unix (the default) or tcp (sops''s default; also tcp4, tcp6)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'The socket path, or host:port for tcp [default: $XDG_RUNTIME_DIR/sops-rs/keyservice.sock (else /tmp/sops-rs-UID/), or 127.0.0.1:5000 for tcp]')
            [CompletionResult]::new('--addr', '--addr', [CompletionResultType]::ParameterName, 'The socket path, or host:port for tcp [default: $XDG_RUNTIME_DIR/sops-rs/keyservice.sock (else /tmp/sops-rs-UID/), or 127.0.0.1:5000 for tcp]')
            [CompletionResult]::new('--allow-uid', '--allow-uid', [CompletionResultType]::ParameterName, 'Another uid that may use the unix socket (repeatable; this user''s uid always may)')
            [CompletionResult]::new('--cache-ttl', '--cache-ttl', [CompletionResultType]::ParameterName, 'Be a caching key agent: answer a repeated unwrap from memory for this long after the provider answered (30s, 5m, 1h)')
            [CompletionResult]::new('--cache-max-uses', '--cache-max-uses', [CompletionResultType]::ParameterName, 'With --cache-ttl: a cached key answers at most N times, then the provider is asked again')
            [CompletionResult]::new('--serve-stale-for', '--serve-stale-for', [CompletionResultType]::ParameterName, 'With --cache-ttl: while the provider is unreachable (no connection, timeout, 5xx), a cached key may answer this long past its TTL (never after a refusal)')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--prompt', '--prompt', [CompletionResultType]::ParameterName, 'Ask on the terminal before answering each request')
            [CompletionResult]::new('--allow-remote', '--allow-remote', [CompletionResultType]::ParameterName, 'Allow tcp on an address other hosts can reach (the protocol has no authentication)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, '`keyservice`: one line per request on standard error; elsewhere accepted for compatibility')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sops-rs;filestatus' {
            [CompletionResult]::new('--filename-override', '--filename-override', [CompletionResultType]::ParameterName, 'Treat the input as if it had this file name (format detection, standard input)')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append audit events to this JSON Lines file (`-`: standard error)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml')
            [CompletionResult]::new('--indent', '--indent', [CompletionResultType]::ParameterName, 'Indentation of YAML and JSON output')
            [CompletionResult]::new('--provider-timeout', '--provider-timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sops-rs;help' {
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt a file and print the result (or write it with -i / --output)')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt a file and print the plaintext (or write it with -i / --output)')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Edit an encrypted file in $SOPS_EDITOR / $EDITOR; unchanged values keep their ciphertext')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Encrypt a file again under a new data key, optionally adding or removing keys')
            [CompletionResult]::new('updatekeys', 'updatekeys', [CompletionResultType]::ParameterValue, 'Make files'' keys match the config''s creation rule (values are not re-encrypted)')
            [CompletionResult]::new('groups', 'groups', [CompletionResultType]::ParameterValue, 'Add or delete key groups (Shamir secret sharing)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set one value of an encrypted file (VALUE is JSON); other values keep their ciphertext')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove one key or list element from an encrypted file')
            [CompletionResult]::new('exec-env', 'exec-env', [CompletionResultType]::ParameterValue, 'Run a command with the file''s top-level values as environment variables')
            [CompletionResult]::new('exec-file', 'exec-file', [CompletionResultType]::ParameterValue, 'Run a command with `{}` replaced by the path of the decrypted file (a FIFO by default)')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print the shell completion script for SHELL (bash, zsh, fish, elvish, powershell)')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Work with audit logs: verify a log''s hash chain, report on logs, hash a tree path')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page sops-rs(1) (roff), or write every page into a directory')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Fail when a file a creation rule covers is not encrypted, or a file''s metadata or MAC is broken (for pre-commit hooks and CI)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Report the state of every secret file under a tree without any key: leaks, recipients that differ from the creation rule, data keys older than the rotation policy, files without a MAC or that do not parse (for CI)')
            [CompletionResult]::new('git-merge', 'git-merge', [CompletionResultType]::ParameterValue, 'A git merge driver: three-way merge of encrypted files, key by key')
            [CompletionResult]::new('git-textconv', 'git-textconv', [CompletionResultType]::ParameterValue, 'git''s textconv for encrypted files: FILE decrypted, or (without the key) a one-line note and FILE as stored, so that `git diff` never fails')
            [CompletionResult]::new('git', 'git', [CompletionResultType]::ParameterValue, 'Set git up for encrypted files: the diff and merge drivers, and `.gitattributes` lines for every file the creation rules cover')
            [CompletionResult]::new('publish', 'publish', [CompletionResultType]::ParameterValue, 'Send a file (or a directory''s files) to the S3 bucket, GCS bucket or Vault KV path its destination rule names')
            [CompletionResult]::new('keyservice', 'keyservice', [CompletionResultType]::ParameterValue, 'Serve sops''s key service (gRPC): wrap and unwrap data keys for other sops and sops-rs processes with this process''s credentials. Default: a private unix socket')
            [CompletionResult]::new('filestatus', 'filestatus', [CompletionResultType]::ParameterValue, 'Print {"encrypted":true} or {"encrypted":false} for a file')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sops-rs;help;encrypt' {
            break
        }
        'sops-rs;help;decrypt' {
            break
        }
        'sops-rs;help;edit' {
            break
        }
        'sops-rs;help;rotate' {
            break
        }
        'sops-rs;help;updatekeys' {
            break
        }
        'sops-rs;help;groups' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a key group made of the keys given with --age, --pgp, ...')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete the key group at INDEX (0-based)')
            break
        }
        'sops-rs;help;groups;add' {
            break
        }
        'sops-rs;help;groups;delete' {
            break
        }
        'sops-rs;help;set' {
            break
        }
        'sops-rs;help;unset' {
            break
        }
        'sops-rs;help;exec-env' {
            break
        }
        'sops-rs;help;exec-file' {
            break
        }
        'sops-rs;help;completion' {
            break
        }
        'sops-rs;help;audit' {
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check an audit log''s hash chain; report the first broken line')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Report on audit logs: who read which file when, counts per file and key, KMS error rate, provider latency, denied and failed operations, new actors and CI repositories, rotations')
            [CompletionResult]::new('hash', 'hash', [CompletionResultType]::ParameterValue, 'Print the HMAC of a tree path under SOPS_RS_AUDIT_HMAC_KEY, to search the logs with')
            break
        }
        'sops-rs;help;audit;verify' {
            break
        }
        'sops-rs;help;audit;report' {
            break
        }
        'sops-rs;help;audit;hash' {
            break
        }
        'sops-rs;help;man' {
            break
        }
        'sops-rs;help;check' {
            break
        }
        'sops-rs;help;status' {
            break
        }
        'sops-rs;help;git-merge' {
            break
        }
        'sops-rs;help;git-textconv' {
            break
        }
        'sops-rs;help;git' {
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Configure git''s diff and merge drivers and add `.gitattributes` lines for every file the creation rules cover')
            break
        }
        'sops-rs;help;git;setup' {
            break
        }
        'sops-rs;help;publish' {
            break
        }
        'sops-rs;help;keyservice' {
            break
        }
        'sops-rs;help;filestatus' {
            break
        }
        'sops-rs;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
