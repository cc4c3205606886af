# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_sops_rs_global_optspecs
    string join \n v/version e/encrypt d/decrypt r/rotate set= s/show-master-keys add-age= rm-age= add-pgp= rm-pgp= add-kms= rm-kms= add-gcp-kms= rm-gcp-kms= add-hckms= rm-hckms= add-azure-kv= rm-azure-kv= add-hc-vault-transit= rm-hc-vault-transit= i/in-place output= extract= filename-override= a/age= p/pgp= k/kms= gcp-kms= hckms= azure-kv= hc-vault-transit= aws-profile= encryption-context= shamir-secret-sharing-threshold= keyservice= enable-local-keyservice= disable-version-check= check-for-updates verbose audit-log= config= ignore-mac unencrypted-suffix= encrypted-suffix= unencrypted-regex= encrypted-regex= unencrypted-comment-regex= encrypted-comment-regex= mac-only-encrypted indent= decryption-order= offline provider-timeout= input-type= output-type= h/help
end

function __fish_sops_rs_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_sops_rs_global_optspecs) -- $cmd 2>/dev/null
    or return 0
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_sops_rs_using_subcommand
    set -l cmd (__fish_sops_rs_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c sops-rs -n "__fish_sops_rs_needs_command" -l set -d 'Set one value of FILE in place: \'["key"][0] JSON\' (the form of `set`)' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l add-age -d 'age recipients to add' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l rm-age -d 'age recipients to remove' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l add-pgp -d 'PGP fingerprints to add' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l rm-pgp -d 'PGP fingerprints to remove' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l add-kms -d 'AWS KMS ARNs to add' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l rm-kms -d 'AWS KMS ARNs to remove' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l add-gcp-kms -d 'GCP KMS resource IDs to add' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l rm-gcp-kms -d 'GCP KMS resource IDs to remove' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l add-hckms -d 'Huawei Cloud KMS key IDs to add' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l rm-hckms -d 'Huawei Cloud KMS key IDs to remove' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l add-azure-kv -d 'Azure Key Vault key URLs to add' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l rm-azure-kv -d 'Azure Key Vault key URLs to remove' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l add-hc-vault-transit -d 'Vault Transit URIs to add' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l rm-hc-vault-transit -d 'Vault Transit URIs to remove' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l output -d 'Write the result to this file instead of standard output' -r -F
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l extract -d 'Decrypt only the value at this tree path, e.g. \'["db"]["password"]\'' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l filename-override -d 'Treat the input as if it had this file name (format detection, standard input)' -r -F
complete -c sops-rs -n "__fish_sops_rs_needs_command" -s a -l age -d 'age recipients to encrypt for, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -s p -l pgp -d 'PGP fingerprints to encrypt for, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -s k -l kms -d 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l gcp-kms -d 'GCP KMS resource IDs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l hckms -d 'Huawei Cloud KMS key IDs (REGION:KEY_UUID), comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l azure-kv -d 'Azure Key Vault key URLs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l hc-vault-transit -d 'HashiCorp Vault Transit key URIs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l aws-profile -d 'AWS profile for the KMS keys' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l encryption-context -d 'AWS KMS encryption context for new keys: key:value pairs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l shamir-secret-sharing-threshold -d 'Number of key groups needed to decrypt (Shamir threshold)' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l keyservice -d 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l enable-local-keyservice -d 'Use this process\'s own keys and credentials first (default true; =false uses only the --keyservice services)' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l disable-version-check -d 'Accepted for compatibility: sops-rs never contacts the network to check for updates' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l unencrypted-suffix -d 'Leave keys with this suffix (and everything below them) unencrypted [default: _unencrypted]' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l encrypted-suffix -d 'Encrypt only keys with this suffix (and everything below them)' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l unencrypted-regex -d 'Leave keys matching this regex (and everything below them) unencrypted' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l encrypted-regex -d 'Encrypt only keys matching this regex (and everything below them)' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l unencrypted-comment-regex -d 'Leave values after a comment matching this regex unencrypted' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l encrypted-comment-regex -d 'Encrypt only values after a comment matching this regex' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l decryption-order -d 'Key types to try first when decrypting, comma-separated (default: age,pgp)' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l input-type -d 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l output-type -d 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_needs_command" -s v -l version -d 'Print the version (as `sops X.Y.Z (sops-rs V)` when installed as `sops`)'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -s e -l encrypt -d 'Encrypt FILE (`sops -e FILE`, the form of `encrypt`)'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -s d -l decrypt -d 'Decrypt FILE (`sops -d FILE`, the form of `decrypt`)'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -s r -l rotate -d 'Rotate FILE\'s data key, with the --add-* / --rm-* changes (the form of `rotate`)'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -s s -l show-master-keys -d 'Show the sops metadata in the editor (the form of `edit -s`)'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -s i -l in-place -d 'Write the result back to the input file'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l check-for-updates -d 'Accepted for compatibility (sops-rs does not check for updates)'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l verbose -d '`keyservice`: one line per request on standard error; elsewhere accepted for compatibility'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l ignore-mac -d 'Decrypt even when the MAC does not match'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l mac-only-encrypted -d 'Put only encrypted values into the MAC'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -a "encrypt" -d 'Encrypt a file and print the result (or write it with -i / --output)'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -a "decrypt" -d 'Decrypt a file and print the plaintext (or write it with -i / --output)'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -a "edit" -d 'Edit an encrypted file in $SOPS_EDITOR / $EDITOR; unchanged values keep their ciphertext'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -a "rotate" -d 'Encrypt a file again under a new data key, optionally adding or removing keys'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -a "updatekeys" -d 'Make files\' keys match the config\'s creation rule (values are not re-encrypted)'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -a "groups" -d 'Add or delete key groups (Shamir secret sharing)'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -a "set" -d 'Set one value of an encrypted file (VALUE is JSON); other values keep their ciphertext'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -a "unset" -d 'Remove one key or list element from an encrypted file'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -a "exec-env" -d 'Run a command with the file\'s top-level values as environment variables'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -a "exec-file" -d 'Run a command with `{}` replaced by the path of the decrypted file (a FIFO by default)'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -a "completion" -d 'Print the shell completion script for SHELL (bash, zsh, fish, elvish, powershell)'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -a "audit" -d 'Work with audit logs: verify a log\'s hash chain, report on logs, hash a tree path'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -a "man" -d 'Print the man page sops-rs(1) (roff), or write every page into a directory'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -a "check" -d 'Fail when a file a creation rule covers is not encrypted, or a file\'s metadata or MAC is broken (for pre-commit hooks and CI)'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -a "status" -d 'Report the state of every secret file under a tree without any key: leaks, recipients that differ from the creation rule, data keys older than the rotation policy, files without a MAC or that do not parse (for CI)'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -a "git-merge" -d 'A git merge driver: three-way merge of encrypted files, key by key'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -a "git-textconv" -d 'git\'s textconv for encrypted files: FILE decrypted, or (without the key) a one-line note and FILE as stored, so that `git diff` never fails'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -a "git" -d 'Set git up for encrypted files: the diff and merge drivers, and `.gitattributes` lines for every file the creation rules cover'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -a "publish" -d 'Send a file (or a directory\'s files) to the S3 bucket, GCS bucket or Vault KV path its destination rule names'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -a "keyservice" -d 'Serve sops\'s key service (gRPC): wrap and unwrap data keys for other sops and sops-rs processes with this process\'s credentials. Default: a private unix socket'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -a "filestatus" -d 'Print {"encrypted":true} or {"encrypted":false} for a file'
complete -c sops-rs -n "__fish_sops_rs_needs_command" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l output -d 'Write the result to this file instead of standard output' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l filename-override -d 'Treat the input as if it had this file name (format detection, standard input)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -s a -l age -d 'age recipients to encrypt for, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -s p -l pgp -d 'PGP fingerprints to encrypt for, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -s k -l kms -d 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l gcp-kms -d 'GCP KMS resource IDs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l hckms -d 'Huawei Cloud KMS key IDs (REGION:KEY_UUID), comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l azure-kv -d 'Azure Key Vault key URLs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l hc-vault-transit -d 'HashiCorp Vault Transit key URIs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l aws-profile -d 'AWS profile for the KMS keys' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l encryption-context -d 'AWS KMS encryption context for new keys: key:value pairs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l shamir-secret-sharing-threshold -d 'Number of key groups needed to decrypt (Shamir threshold)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l keyservice -d 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l enable-local-keyservice -d 'Use this process\'s own keys and credentials first (default true; =false uses only the --keyservice services)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l unencrypted-suffix -d 'Leave keys with this suffix (and everything below them) unencrypted [default: _unencrypted]' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l encrypted-suffix -d 'Encrypt only keys with this suffix (and everything below them)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l unencrypted-regex -d 'Leave keys matching this regex (and everything below them) unencrypted' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l encrypted-regex -d 'Encrypt only keys matching this regex (and everything below them)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l unencrypted-comment-regex -d 'Leave values after a comment matching this regex unencrypted' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l encrypted-comment-regex -d 'Encrypt only values after a comment matching this regex' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l decryption-order -d 'Key types to try first when decrypting, comma-separated (default: age,pgp)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l input-type -d 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l output-type -d 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l output-dir -d 'Write each result into this directory, under the file\'s path relative to the current directory (or its name, for a path outside it)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l reuse-from -d 'Encrypt with the data key and keys of this existing encrypted file, so that values that did not change keep their exact ciphertext (small diffs in git)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -s i -l in-place -d 'Write the result back to the input file'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l ignore-mac -d 'Decrypt even when the MAC does not match'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l mac-only-encrypted -d 'Put only encrypted values into the MAC'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -l recursive -d 'Walk the directories among the FILE arguments (hidden entries are skipped)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand encrypt" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand decrypt" -l output -d 'Write the result to this file instead of standard output' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand decrypt" -l extract -d 'Decrypt only the value at this tree path, e.g. \'["db"]["password"]\'' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand decrypt" -l filename-override -d 'Treat the input as if it had this file name (format detection, standard input)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand decrypt" -l keyservice -d 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand decrypt" -l enable-local-keyservice -d 'Use this process\'s own keys and credentials first (default true; =false uses only the --keyservice services)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand decrypt" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand decrypt" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand decrypt" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand decrypt" -l decryption-order -d 'Key types to try first when decrypting, comma-separated (default: age,pgp)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand decrypt" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand decrypt" -l input-type -d 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand decrypt" -l output-type -d 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand decrypt" -l output-dir -d 'Write each result into this directory, under the file\'s path relative to the current directory (or its name, for a path outside it)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand decrypt" -s i -l in-place -d 'Write the result back to the input file'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand decrypt" -l ignore-mac -d 'Decrypt even when the MAC does not match'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand decrypt" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand decrypt" -l recursive -d 'Walk the directories among the FILE arguments (hidden entries are skipped)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand decrypt" -l next-to-source -d 'With several files: write each plaintext next to its source, named without its `.enc` or `.sops` part (`app.enc.yaml` -> `app.yaml`), or with `.dec` before the extension when it has none (`app.yaml` -> `app.dec.yaml`)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand decrypt" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l filename-override -d 'Treat the input as if it had this file name (format detection, standard input)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -s a -l age -d 'age recipients to encrypt for, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -s p -l pgp -d 'PGP fingerprints to encrypt for, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -s k -l kms -d 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l gcp-kms -d 'GCP KMS resource IDs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l hckms -d 'Huawei Cloud KMS key IDs (REGION:KEY_UUID), comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l azure-kv -d 'Azure Key Vault key URLs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l hc-vault-transit -d 'HashiCorp Vault Transit key URIs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l aws-profile -d 'AWS profile for the KMS keys' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l encryption-context -d 'AWS KMS encryption context for new keys: key:value pairs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l shamir-secret-sharing-threshold -d 'Number of key groups needed to decrypt (Shamir threshold)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l keyservice -d 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l enable-local-keyservice -d 'Use this process\'s own keys and credentials first (default true; =false uses only the --keyservice services)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l unencrypted-suffix -d 'Leave keys with this suffix (and everything below them) unencrypted [default: _unencrypted]' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l encrypted-suffix -d 'Encrypt only keys with this suffix (and everything below them)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l unencrypted-regex -d 'Leave keys matching this regex (and everything below them) unencrypted' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l encrypted-regex -d 'Encrypt only keys matching this regex (and everything below them)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l unencrypted-comment-regex -d 'Leave values after a comment matching this regex unencrypted' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l encrypted-comment-regex -d 'Encrypt only values after a comment matching this regex' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l decryption-order -d 'Key types to try first when decrypting, comma-separated (default: age,pgp)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l input-type -d 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l output-type -d 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l ignore-mac -d 'Decrypt even when the MAC does not match'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l mac-only-encrypted -d 'Put only encrypted values into the MAC'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -s s -l show-master-keys -d 'Show the sops metadata in the editor too (it cannot be changed there)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -l keep-key-credentials -d 'Pass sops-rs\'s key credentials (SOPS_AGE_KEY*, VAULT_TOKEN, cloud credentials, ...) on to the editor; by default they are removed from its environment'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand edit" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l output -d 'Write the result to this file instead of standard output' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l filename-override -d 'Treat the input as if it had this file name (format detection, standard input)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l aws-profile -d 'AWS profile for the KMS keys' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l encryption-context -d 'AWS KMS encryption context for new keys: key:value pairs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l keyservice -d 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l enable-local-keyservice -d 'Use this process\'s own keys and credentials first (default true; =false uses only the --keyservice services)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l decryption-order -d 'Key types to try first when decrypting, comma-separated (default: age,pgp)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l input-type -d 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l output-type -d 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l add-age -d 'age recipients to add' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l rm-age -d 'age recipients to remove' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l add-pgp -d 'PGP fingerprints to add' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l rm-pgp -d 'PGP fingerprints to remove' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l add-kms -d 'AWS KMS ARNs to add' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l rm-kms -d 'AWS KMS ARNs to remove' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l add-gcp-kms -d 'GCP KMS resource IDs to add' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l rm-gcp-kms -d 'GCP KMS resource IDs to remove' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l add-hckms -d 'Huawei Cloud KMS key IDs to add' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l rm-hckms -d 'Huawei Cloud KMS key IDs to remove' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l add-azure-kv -d 'Azure Key Vault key URLs to add' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l rm-azure-kv -d 'Azure Key Vault key URLs to remove' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l add-hc-vault-transit -d 'Vault Transit URIs to add' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l rm-hc-vault-transit -d 'Vault Transit URIs to remove' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l output-dir -d 'Write each result into this directory, under the file\'s path relative to the current directory (or its name, for a path outside it)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -s i -l in-place -d 'Write the result back to the input file'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l ignore-mac -d 'Decrypt even when the MAC does not match'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l recursive -d 'Walk the directories among the FILE arguments (hidden entries are skipped)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -l json -d 'Print a JSON result object on stdout (needs -i or --output, as the file cannot share stdout), and errors as JSON on stderr (docs/json-output.md)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand rotate" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand updatekeys" -l filename-override -d 'Treat the input as if it had this file name (format detection, standard input)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand updatekeys" -l keyservice -d 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand updatekeys" -l enable-local-keyservice -d 'Use this process\'s own keys and credentials first (default true; =false uses only the --keyservice services)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand updatekeys" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand updatekeys" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand updatekeys" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand updatekeys" -l decryption-order -d 'Key types to try first when decrypting, comma-separated (default: age,pgp)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand updatekeys" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand updatekeys" -l input-type -d 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand updatekeys" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand updatekeys" -l recursive -d 'Walk the directories among the FILE arguments for encrypted files (hidden entries are skipped)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand updatekeys" -s y -l yes -d 'Apply the changes without asking'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand updatekeys" -l json -d 'Print one JSON result object per file on stdout (keys added and removed), and errors as JSON on stderr (docs/json-output.md)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand updatekeys" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l output -d 'Write the result to this file instead of standard output' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l extract -d 'Decrypt only the value at this tree path, e.g. \'["db"]["password"]\'' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l filename-override -d 'Treat the input as if it had this file name (format detection, standard input)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -s a -l age -d 'age recipients to encrypt for, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -s p -l pgp -d 'PGP fingerprints to encrypt for, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -s k -l kms -d 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l gcp-kms -d 'GCP KMS resource IDs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l hckms -d 'Huawei Cloud KMS key IDs (REGION:KEY_UUID), comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l azure-kv -d 'Azure Key Vault key URLs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l hc-vault-transit -d 'HashiCorp Vault Transit key URIs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l aws-profile -d 'AWS profile for the KMS keys' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l encryption-context -d 'AWS KMS encryption context for new keys: key:value pairs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l shamir-secret-sharing-threshold -d 'Number of key groups needed to decrypt (Shamir threshold)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l keyservice -d 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l enable-local-keyservice -d 'Use this process\'s own keys and credentials first (default true; =false uses only the --keyservice services)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l disable-version-check -d 'Accepted for compatibility: sops-rs never contacts the network to check for updates' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l unencrypted-suffix -d 'Leave keys with this suffix (and everything below them) unencrypted [default: _unencrypted]' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l encrypted-suffix -d 'Encrypt only keys with this suffix (and everything below them)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l unencrypted-regex -d 'Leave keys matching this regex (and everything below them) unencrypted' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l encrypted-regex -d 'Encrypt only keys matching this regex (and everything below them)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l unencrypted-comment-regex -d 'Leave values after a comment matching this regex unencrypted' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l encrypted-comment-regex -d 'Encrypt only values after a comment matching this regex' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l decryption-order -d 'Key types to try first when decrypting, comma-separated (default: age,pgp)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l input-type -d 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l output-type -d 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -s i -l in-place -d 'Write the result back to the input file'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l check-for-updates -d 'Accepted for compatibility (sops-rs does not check for updates)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l verbose -d '`keyservice`: one line per request on standard error; elsewhere accepted for compatibility'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l ignore-mac -d 'Decrypt even when the MAC does not match'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l mac-only-encrypted -d 'Put only encrypted values into the MAC'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -f -a "add" -d 'Add a key group made of the keys given with --age, --pgp, ...'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -f -a "delete" -d 'Delete the key group at INDEX (0-based)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and not __fish_seen_subcommand_from add delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from add" -s f -l file -d 'The encrypted file' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from add" -l output -d 'Write the result to this file instead of standard output' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from add" -l filename-override -d 'Treat the input as if it had this file name (format detection, standard input)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from add" -s a -l age -d 'age recipients to encrypt for, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from add" -s p -l pgp -d 'PGP fingerprints to encrypt for, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from add" -s k -l kms -d 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from add" -l gcp-kms -d 'GCP KMS resource IDs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from add" -l hckms -d 'Huawei Cloud KMS key IDs (REGION:KEY_UUID), comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from add" -l azure-kv -d 'Azure Key Vault key URLs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from add" -l hc-vault-transit -d 'HashiCorp Vault Transit key URIs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from add" -l aws-profile -d 'AWS profile for the KMS keys' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from add" -l encryption-context -d 'AWS KMS encryption context for new keys: key:value pairs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from add" -l shamir-secret-sharing-threshold -d 'Number of key groups needed to decrypt (Shamir threshold)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from add" -l keyservice -d 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from add" -l enable-local-keyservice -d 'Use this process\'s own keys and credentials first (default true; =false uses only the --keyservice services)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from add" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from add" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from add" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from add" -l decryption-order -d 'Key types to try first when decrypting, comma-separated (default: age,pgp)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from add" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from add" -l input-type -d 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from add" -l output-type -d 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from add" -s i -l in-place -d 'Write the result back to the input file'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from add" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from delete" -s f -l file -d 'The encrypted file' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from delete" -l output -d 'Write the result to this file instead of standard output' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from delete" -l filename-override -d 'Treat the input as if it had this file name (format detection, standard input)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from delete" -l shamir-secret-sharing-threshold -d 'Number of key groups needed to decrypt (Shamir threshold)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from delete" -l keyservice -d 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from delete" -l enable-local-keyservice -d 'Use this process\'s own keys and credentials first (default true; =false uses only the --keyservice services)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from delete" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from delete" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from delete" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from delete" -l decryption-order -d 'Key types to try first when decrypting, comma-separated (default: age,pgp)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from delete" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from delete" -l input-type -d 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from delete" -l output-type -d 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from delete" -s i -l in-place -d 'Write the result back to the input file'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from delete" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a key group made of the keys given with --age, --pgp, ...'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete the key group at INDEX (0-based)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand groups; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand set" -l filename-override -d 'Treat the input as if it had this file name (format detection, standard input)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand set" -l shamir-secret-sharing-threshold -d 'Number of key groups needed to decrypt (Shamir threshold)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand set" -l keyservice -d 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand set" -l enable-local-keyservice -d 'Use this process\'s own keys and credentials first (default true; =false uses only the --keyservice services)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand set" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand set" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand set" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand set" -l decryption-order -d 'Key types to try first when decrypting, comma-separated (default: age,pgp)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand set" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand set" -l input-type -d 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand set" -l output-type -d 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand set" -l ignore-mac -d 'Decrypt even when the MAC does not match'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand set" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand set" -l value-file -d 'VALUE names a file whose content is the JSON value'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand set" -l value-stdin -d 'Read the JSON value from standard input (no VALUE argument)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand set" -l idempotent -d 'Do not rewrite the file when the value is already there'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand set" -l json -d 'Print a JSON result object on stdout (the tree path and whether it changed, never the value), and errors as JSON on stderr (docs/json-output.md)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand set" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand unset" -l filename-override -d 'Treat the input as if it had this file name (format detection, standard input)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand unset" -l shamir-secret-sharing-threshold -d 'Number of key groups needed to decrypt (Shamir threshold)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand unset" -l keyservice -d 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand unset" -l enable-local-keyservice -d 'Use this process\'s own keys and credentials first (default true; =false uses only the --keyservice services)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand unset" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand unset" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand unset" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand unset" -l decryption-order -d 'Key types to try first when decrypting, comma-separated (default: age,pgp)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand unset" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand unset" -l input-type -d 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand unset" -l output-type -d 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand unset" -l ignore-mac -d 'Decrypt even when the MAC does not match'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand unset" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand unset" -l idempotent -d 'Succeed without writing when the path does not exist'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand unset" -l json -d 'Print a JSON result object on stdout (the tree path and whether it was removed), and errors as JSON on stderr (docs/json-output.md)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand unset" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-env" -l filename-override -d 'Treat the input as if it had this file name (format detection, standard input)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-env" -l keyservice -d 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-env" -l enable-local-keyservice -d 'Use this process\'s own keys and credentials first (default true; =false uses only the --keyservice services)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-env" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-env" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-env" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-env" -l decryption-order -d 'Key types to try first when decrypting, comma-separated (default: age,pgp)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-env" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-env" -l input-type -d 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-env" -l user -d 'Run the command as this user (needs the privilege to switch users)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-env" -l ignore-mac -d 'Decrypt even when the MAC does not match'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-env" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-env" -l pristine -d 'Start the command with only the secrets in its environment'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-env" -l same-process -d 'Replace sops-rs with the command instead of running it as a child'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-env" -l keep-key-credentials -d 'Pass sops-rs\'s key credentials (SOPS_AGE_KEY*, VAULT_TOKEN, cloud credentials, ...) on to the command; by default it gets the file\'s secrets but not the keys to other files'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-env" -l background -d 'sops\'s deprecated --background (not supported: sops-rs waits for the command)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-env" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-file" -l filename-override -d 'Treat the input as if it had this file name (format detection, standard input)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-file" -l keyservice -d 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-file" -l enable-local-keyservice -d 'Use this process\'s own keys and credentials first (default true; =false uses only the --keyservice services)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-file" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-file" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-file" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-file" -l decryption-order -d 'Key types to try first when decrypting, comma-separated (default: age,pgp)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-file" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-file" -l input-type -d 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-file" -l output-type -d 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-file" -l filename -d 'The plaintext file\'s name inside its private directory' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-file" -l user -d 'Run the command as this user (needs the privilege to switch users)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-file" -l ignore-mac -d 'Decrypt even when the MAC does not match'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-file" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-file" -l no-fifo -d 'Write a regular 0600 file instead of a FIFO (for programs that seek or read twice; always so on Windows)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-file" -l keep-key-credentials -d 'Pass sops-rs\'s key credentials (SOPS_AGE_KEY*, VAULT_TOKEN, cloud credentials, ...) on to the command; by default it gets the file\'s secrets but not the keys to other files'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-file" -l background -d 'sops\'s deprecated --background (not supported: sops-rs waits for the command)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand exec-file" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand completion" -l keyservice -d 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand completion" -l enable-local-keyservice -d 'Use this process\'s own keys and credentials first (default true; =false uses only the --keyservice services)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand completion" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand completion" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand completion" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand completion" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand completion" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand completion" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l output -d 'Write the result to this file instead of standard output' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l extract -d 'Decrypt only the value at this tree path, e.g. \'["db"]["password"]\'' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l filename-override -d 'Treat the input as if it had this file name (format detection, standard input)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -s a -l age -d 'age recipients to encrypt for, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -s p -l pgp -d 'PGP fingerprints to encrypt for, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -s k -l kms -d 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l gcp-kms -d 'GCP KMS resource IDs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l hckms -d 'Huawei Cloud KMS key IDs (REGION:KEY_UUID), comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l azure-kv -d 'Azure Key Vault key URLs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l hc-vault-transit -d 'HashiCorp Vault Transit key URIs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l aws-profile -d 'AWS profile for the KMS keys' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l encryption-context -d 'AWS KMS encryption context for new keys: key:value pairs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l shamir-secret-sharing-threshold -d 'Number of key groups needed to decrypt (Shamir threshold)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l keyservice -d 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l enable-local-keyservice -d 'Use this process\'s own keys and credentials first (default true; =false uses only the --keyservice services)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l disable-version-check -d 'Accepted for compatibility: sops-rs never contacts the network to check for updates' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l unencrypted-suffix -d 'Leave keys with this suffix (and everything below them) unencrypted [default: _unencrypted]' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l encrypted-suffix -d 'Encrypt only keys with this suffix (and everything below them)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l unencrypted-regex -d 'Leave keys matching this regex (and everything below them) unencrypted' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l encrypted-regex -d 'Encrypt only keys matching this regex (and everything below them)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l unencrypted-comment-regex -d 'Leave values after a comment matching this regex unencrypted' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l encrypted-comment-regex -d 'Encrypt only values after a comment matching this regex' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l decryption-order -d 'Key types to try first when decrypting, comma-separated (default: age,pgp)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l input-type -d 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l output-type -d 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -s i -l in-place -d 'Write the result back to the input file'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l check-for-updates -d 'Accepted for compatibility (sops-rs does not check for updates)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l verbose -d '`keyservice`: one line per request on standard error; elsewhere accepted for compatibility'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l ignore-mac -d 'Decrypt even when the MAC does not match'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l mac-only-encrypted -d 'Put only encrypted values into the MAC'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -f -a "verify" -d 'Check an audit log\'s hash chain; report the first broken line'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -f -a "report" -d 'Report on audit logs: who read which file when, counts per file and key, KMS error rate, provider latency, denied and failed operations, new actors and CI repositories, rotations'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -f -a "hash" -d 'Print the HMAC of a tree path under SOPS_RS_AUDIT_HMAC_KEY, to search the logs with'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and not __fish_seen_subcommand_from verify report hash help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from verify" -l head -d 'Also require the log to reach this head: a digest printed by an earlier run (`sha256:...`), or a head file written through SOPS_RS_AUDIT_HEAD. With SOPS_RS_AUDIT_HMAC_KEY set, every line\'s MAC is checked too' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from verify" -l keyservice -d 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from verify" -l enable-local-keyservice -d 'Use this process\'s own keys and credentials first (default true; =false uses only the --keyservice services)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from verify" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from verify" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from verify" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from verify" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from verify" -l json -d 'Print the result as JSON'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from verify" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from report" -l since -d 'Count records from this time on: RFC 3339 (2026-12-01T00:00:00Z) or an age (90s, 30m, 12h, 7d, 2w). Earlier records only tell which actors and repositories are known' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from report" -l until -d 'Count records before this time (same forms as --since)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from report" -l baseline -d 'A log of earlier use: actors and CI repositories in it are not reported as new. Repeatable' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from report" -l limit -d 'Rows shown per list in the table (the newest); --json prints every row' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from report" -l keyservice -d 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from report" -l enable-local-keyservice -d 'Use this process\'s own keys and credentials first (default true; =false uses only the --keyservice services)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from report" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from report" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from report" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from report" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from report" -l json -d 'Print the report as one JSON object (schema sops-rs.audit-report/1)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from report" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from report" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from hash" -l keyservice -d 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from hash" -l enable-local-keyservice -d 'Use this process\'s own keys and credentials first (default true; =false uses only the --keyservice services)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from hash" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from hash" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from hash" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from hash" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from hash" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from hash" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check an audit log\'s hash chain; report the first broken line'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "report" -d 'Report on audit logs: who read which file when, counts per file and key, KMS error rate, provider latency, denied and failed operations, new actors and CI repositories, rotations'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "hash" -d 'Print the HMAC of a tree path under SOPS_RS_AUDIT_HMAC_KEY, to search the logs with'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l dir -d 'Write sops-rs.1 and one page per subcommand (sops-rs-encrypt.1, ...) into this directory instead of printing sops-rs.1' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l output -d 'Write the result to this file instead of standard output' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l extract -d 'Decrypt only the value at this tree path, e.g. \'["db"]["password"]\'' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l filename-override -d 'Treat the input as if it had this file name (format detection, standard input)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -s a -l age -d 'age recipients to encrypt for, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -s p -l pgp -d 'PGP fingerprints to encrypt for, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -s k -l kms -d 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l gcp-kms -d 'GCP KMS resource IDs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l hckms -d 'Huawei Cloud KMS key IDs (REGION:KEY_UUID), comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l azure-kv -d 'Azure Key Vault key URLs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l hc-vault-transit -d 'HashiCorp Vault Transit key URIs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l aws-profile -d 'AWS profile for the KMS keys' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l encryption-context -d 'AWS KMS encryption context for new keys: key:value pairs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l shamir-secret-sharing-threshold -d 'Number of key groups needed to decrypt (Shamir threshold)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l keyservice -d 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l enable-local-keyservice -d 'Use this process\'s own keys and credentials first (default true; =false uses only the --keyservice services)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l disable-version-check -d 'Accepted for compatibility: sops-rs never contacts the network to check for updates' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l unencrypted-suffix -d 'Leave keys with this suffix (and everything below them) unencrypted [default: _unencrypted]' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l encrypted-suffix -d 'Encrypt only keys with this suffix (and everything below them)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l unencrypted-regex -d 'Leave keys matching this regex (and everything below them) unencrypted' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l encrypted-regex -d 'Encrypt only keys matching this regex (and everything below them)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l unencrypted-comment-regex -d 'Leave values after a comment matching this regex unencrypted' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l encrypted-comment-regex -d 'Encrypt only values after a comment matching this regex' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l decryption-order -d 'Key types to try first when decrypting, comma-separated (default: age,pgp)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l input-type -d 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l output-type -d 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -s i -l in-place -d 'Write the result back to the input file'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l check-for-updates -d 'Accepted for compatibility (sops-rs does not check for updates)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l verbose -d '`keyservice`: one line per request on standard error; elsewhere accepted for compatibility'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l ignore-mac -d 'Decrypt even when the MAC does not match'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l mac-only-encrypted -d 'Put only encrypted values into the MAC'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand man" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand check" -l keyservice -d 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand check" -l enable-local-keyservice -d 'Use this process\'s own keys and credentials first (default true; =false uses only the --keyservice services)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand check" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand check" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand check" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand check" -l decryption-order -d 'Key types to try first when decrypting, comma-separated (default: age,pgp)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand check" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand check" -l input-type -d 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand check" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand check" -l verify-mac -d 'Also decrypt and verify each file\'s MAC and look for conflict markers in every value (needs the keys)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand check" -l json -d 'Print one JSON object per file'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand check" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand status" -l keyservice -d 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand status" -l enable-local-keyservice -d 'Use this process\'s own keys and credentials first (default true; =false uses only the --keyservice services)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand status" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand status" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand status" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand status" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand status" -l max-age -d 'A rotation policy for every file, over the config\'s `rotation.max_age` (36h, 90d, 12w)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand status" -l fail-on -d 'The findings that make the run fail (exit 1), comma-separated' -r -f -a "leak\t''
broken\t''
drift\t''
overdue\t''
unruled\t''
all\t''
none\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand status" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand status" -l json -d 'Print one JSON object per file and a summary object (docs/json-output.md)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand status" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git-merge" -l keyservice -d 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git-merge" -l enable-local-keyservice -d 'Use this process\'s own keys and credentials first (default true; =false uses only the --keyservice services)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git-merge" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git-merge" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git-merge" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git-merge" -l decryption-order -d 'Key types to try first when decrypting, comma-separated (default: age,pgp)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git-merge" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git-merge" -l input-type -d 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git-merge" -l ignore-mac -d 'Decrypt even when the MAC does not match'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git-merge" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git-merge" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git-textconv" -l keyservice -d 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git-textconv" -l enable-local-keyservice -d 'Use this process\'s own keys and credentials first (default true; =false uses only the --keyservice services)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git-textconv" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git-textconv" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git-textconv" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git-textconv" -l decryption-order -d 'Key types to try first when decrypting, comma-separated (default: age,pgp)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git-textconv" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git-textconv" -l input-type -d 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git-textconv" -l ignore-mac -d 'Decrypt even when the MAC does not match'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git-textconv" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git-textconv" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l output -d 'Write the result to this file instead of standard output' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l extract -d 'Decrypt only the value at this tree path, e.g. \'["db"]["password"]\'' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l filename-override -d 'Treat the input as if it had this file name (format detection, standard input)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -s a -l age -d 'age recipients to encrypt for, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -s p -l pgp -d 'PGP fingerprints to encrypt for, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -s k -l kms -d 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l gcp-kms -d 'GCP KMS resource IDs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l hckms -d 'Huawei Cloud KMS key IDs (REGION:KEY_UUID), comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l azure-kv -d 'Azure Key Vault key URLs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l hc-vault-transit -d 'HashiCorp Vault Transit key URIs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l aws-profile -d 'AWS profile for the KMS keys' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l encryption-context -d 'AWS KMS encryption context for new keys: key:value pairs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l shamir-secret-sharing-threshold -d 'Number of key groups needed to decrypt (Shamir threshold)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l keyservice -d 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l enable-local-keyservice -d 'Use this process\'s own keys and credentials first (default true; =false uses only the --keyservice services)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l disable-version-check -d 'Accepted for compatibility: sops-rs never contacts the network to check for updates' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l unencrypted-suffix -d 'Leave keys with this suffix (and everything below them) unencrypted [default: _unencrypted]' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l encrypted-suffix -d 'Encrypt only keys with this suffix (and everything below them)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l unencrypted-regex -d 'Leave keys matching this regex (and everything below them) unencrypted' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l encrypted-regex -d 'Encrypt only keys matching this regex (and everything below them)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l unencrypted-comment-regex -d 'Leave values after a comment matching this regex unencrypted' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l encrypted-comment-regex -d 'Encrypt only values after a comment matching this regex' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l decryption-order -d 'Key types to try first when decrypting, comma-separated (default: age,pgp)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l input-type -d 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l output-type -d 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -s i -l in-place -d 'Write the result back to the input file'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l check-for-updates -d 'Accepted for compatibility (sops-rs does not check for updates)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l verbose -d '`keyservice`: one line per request on standard error; elsewhere accepted for compatibility'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l ignore-mac -d 'Decrypt even when the MAC does not match'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l mac-only-encrypted -d 'Put only encrypted values into the MAC'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -f -a "setup" -d 'Configure git\'s diff and merge drivers and add `.gitattributes` lines for every file the creation rules cover'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and not __fish_seen_subcommand_from setup help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and __fish_seen_subcommand_from setup" -l keyservice -d 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and __fish_seen_subcommand_from setup" -l enable-local-keyservice -d 'Use this process\'s own keys and credentials first (default true; =false uses only the --keyservice services)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and __fish_seen_subcommand_from setup" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and __fish_seen_subcommand_from setup" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and __fish_seen_subcommand_from setup" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and __fish_seen_subcommand_from setup" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and __fish_seen_subcommand_from setup" -l global -d 'Write the drivers into your own git config (`git config --global`) instead of the repository\'s'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and __fish_seen_subcommand_from setup" -l dry-run -d 'Print what would be written, and write nothing'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and __fish_seen_subcommand_from setup" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and __fish_seen_subcommand_from setup" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "setup" -d 'Configure git\'s diff and merge drivers and add `.gitattributes` lines for every file the creation rules cover'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l output -d 'Write the result to this file instead of standard output' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l extract -d 'Decrypt only the value at this tree path, e.g. \'["db"]["password"]\'' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l filename-override -d 'Treat the input as if it had this file name (format detection, standard input)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -s a -l age -d 'age recipients to encrypt for, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -s p -l pgp -d 'PGP fingerprints to encrypt for, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -s k -l kms -d 'AWS KMS key ARNs (ARN or ARN+ROLE_ARN), comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l gcp-kms -d 'GCP KMS resource IDs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l hckms -d 'Huawei Cloud KMS key IDs (REGION:KEY_UUID), comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l azure-kv -d 'Azure Key Vault key URLs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l hc-vault-transit -d 'HashiCorp Vault Transit key URIs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l aws-profile -d 'AWS profile for the KMS keys' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l encryption-context -d 'AWS KMS encryption context for new keys: key:value pairs, comma-separated' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l shamir-secret-sharing-threshold -d 'Number of key groups needed to decrypt (Shamir threshold)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l keyservice -d 'A sops key service to wrap and unwrap data keys through (tcp://host:port or unix:///path; repeatable, tried in order after the local keys)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l enable-local-keyservice -d 'Use this process\'s own keys and credentials first (default true; =false uses only the --keyservice services)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l disable-version-check -d 'Accepted for compatibility: sops-rs never contacts the network to check for updates' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l unencrypted-suffix -d 'Leave keys with this suffix (and everything below them) unencrypted [default: _unencrypted]' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l encrypted-suffix -d 'Encrypt only keys with this suffix (and everything below them)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l unencrypted-regex -d 'Leave keys matching this regex (and everything below them) unencrypted' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l encrypted-regex -d 'Encrypt only keys matching this regex (and everything below them)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l unencrypted-comment-regex -d 'Leave values after a comment matching this regex unencrypted' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l encrypted-comment-regex -d 'Encrypt only values after a comment matching this regex' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l decryption-order -d 'Key types to try first when decrypting, comma-separated (default: age,pgp)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l input-type -d 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l output-type -d 'Output format: yaml, json, toml, dotenv, ini or binary (default: from the file name or --filename-override; binary for stdin)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -s i -l in-place -d 'Write the result back to the input file'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l check-for-updates -d 'Accepted for compatibility (sops-rs does not check for updates)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l verbose -d '`keyservice`: one line per request on standard error; elsewhere accepted for compatibility'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l ignore-mac -d 'Decrypt even when the MAC does not match'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l mac-only-encrypted -d 'Put only encrypted values into the MAC'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -s y -l yes -d 'Publish without asking'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l omit-extensions -d 'Leave the file\'s extension out of the destination name'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -l recursive -d 'Publish every file below the directory FILE (names keep their path below it)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand publish" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand keyservice" -l network -l net -d 'unix (the default) or tcp (sops\'s default; also tcp4, tcp6)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand keyservice" -l address -l addr -d 'The socket path, or host:port for tcp [default: $XDG_RUNTIME_DIR/sops-rs/keyservice.sock (else /tmp/sops-rs-UID/), or 127.0.0.1:5000 for tcp]' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand keyservice" -l allow-uid -d 'Another uid that may use the unix socket (repeatable; this user\'s uid always may)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand keyservice" -l cache-ttl -d 'Be a caching key agent: answer a repeated unwrap from memory for this long after the provider answered (30s, 5m, 1h)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand keyservice" -l cache-max-uses -d 'With --cache-ttl: a cached key answers at most N times, then the provider is asked again' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand keyservice" -l serve-stale-for -d 'With --cache-ttl: while the provider is unreachable (no connection, timeout, 5xx), a cached key may answer this long past its TTL (never after a refusal)' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand keyservice" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand keyservice" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand keyservice" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand keyservice" -l prompt -d 'Ask on the terminal before answering each request'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand keyservice" -l allow-remote -d 'Allow tcp on an address other hosts can reach (the protocol has no authentication)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand keyservice" -l verbose -d '`keyservice`: one line per request on standard error; elsewhere accepted for compatibility'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand keyservice" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand keyservice" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand filestatus" -l filename-override -d 'Treat the input as if it had this file name (format detection, standard input)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand filestatus" -l audit-log -d 'Append audit events to this JSON Lines file (`-`: standard error)' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand filestatus" -l config -d 'The config file to use instead of searching for .sops-rs.yaml / .sops.yaml' -r -F
complete -c sops-rs -n "__fish_sops_rs_using_subcommand filestatus" -l indent -d 'Indentation of YAML and JSON output' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand filestatus" -l provider-timeout -d 'Whole-request timeout of each network key provider, in seconds (default 30); a provider that times out is not asked again for the rest of the run' -r
complete -c sops-rs -n "__fish_sops_rs_using_subcommand filestatus" -l input-type -d 'Input format: yaml, json, toml, dotenv, ini or binary (default: from the file name)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
ini\t''
binary\t''"
complete -c sops-rs -n "__fish_sops_rs_using_subcommand filestatus" -l offline -d 'Use no network key provider (only age and PGP keys): for CI jobs and laptops without the network; a file that only a cloud key opens fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand filestatus" -s h -l help -d 'Print help'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit rotate updatekeys groups set unset exec-env exec-file completion audit man check status git-merge git-textconv git publish keyservice filestatus help" -f -a "encrypt" -d 'Encrypt a file and print the result (or write it with -i / --output)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit rotate updatekeys groups set unset exec-env exec-file completion audit man check status git-merge git-textconv git publish keyservice filestatus help" -f -a "decrypt" -d 'Decrypt a file and print the plaintext (or write it with -i / --output)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit rotate updatekeys groups set unset exec-env exec-file completion audit man check status git-merge git-textconv git publish keyservice filestatus help" -f -a "edit" -d 'Edit an encrypted file in $SOPS_EDITOR / $EDITOR; unchanged values keep their ciphertext'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit rotate updatekeys groups set unset exec-env exec-file completion audit man check status git-merge git-textconv git publish keyservice filestatus help" -f -a "rotate" -d 'Encrypt a file again under a new data key, optionally adding or removing keys'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit rotate updatekeys groups set unset exec-env exec-file completion audit man check status git-merge git-textconv git publish keyservice filestatus help" -f -a "updatekeys" -d 'Make files\' keys match the config\'s creation rule (values are not re-encrypted)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit rotate updatekeys groups set unset exec-env exec-file completion audit man check status git-merge git-textconv git publish keyservice filestatus help" -f -a "groups" -d 'Add or delete key groups (Shamir secret sharing)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit rotate updatekeys groups set unset exec-env exec-file completion audit man check status git-merge git-textconv git publish keyservice filestatus help" -f -a "set" -d 'Set one value of an encrypted file (VALUE is JSON); other values keep their ciphertext'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit rotate updatekeys groups set unset exec-env exec-file completion audit man check status git-merge git-textconv git publish keyservice filestatus help" -f -a "unset" -d 'Remove one key or list element from an encrypted file'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit rotate updatekeys groups set unset exec-env exec-file completion audit man check status git-merge git-textconv git publish keyservice filestatus help" -f -a "exec-env" -d 'Run a command with the file\'s top-level values as environment variables'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit rotate updatekeys groups set unset exec-env exec-file completion audit man check status git-merge git-textconv git publish keyservice filestatus help" -f -a "exec-file" -d 'Run a command with `{}` replaced by the path of the decrypted file (a FIFO by default)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit rotate updatekeys groups set unset exec-env exec-file completion audit man check status git-merge git-textconv git publish keyservice filestatus help" -f -a "completion" -d 'Print the shell completion script for SHELL (bash, zsh, fish, elvish, powershell)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit rotate updatekeys groups set unset exec-env exec-file completion audit man check status git-merge git-textconv git publish keyservice filestatus help" -f -a "audit" -d 'Work with audit logs: verify a log\'s hash chain, report on logs, hash a tree path'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit rotate updatekeys groups set unset exec-env exec-file completion audit man check status git-merge git-textconv git publish keyservice filestatus help" -f -a "man" -d 'Print the man page sops-rs(1) (roff), or write every page into a directory'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit rotate updatekeys groups set unset exec-env exec-file completion audit man check status git-merge git-textconv git publish keyservice filestatus help" -f -a "check" -d 'Fail when a file a creation rule covers is not encrypted, or a file\'s metadata or MAC is broken (for pre-commit hooks and CI)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit rotate updatekeys groups set unset exec-env exec-file completion audit man check status git-merge git-textconv git publish keyservice filestatus help" -f -a "status" -d 'Report the state of every secret file under a tree without any key: leaks, recipients that differ from the creation rule, data keys older than the rotation policy, files without a MAC or that do not parse (for CI)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit rotate updatekeys groups set unset exec-env exec-file completion audit man check status git-merge git-textconv git publish keyservice filestatus help" -f -a "git-merge" -d 'A git merge driver: three-way merge of encrypted files, key by key'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit rotate updatekeys groups set unset exec-env exec-file completion audit man check status git-merge git-textconv git publish keyservice filestatus help" -f -a "git-textconv" -d 'git\'s textconv for encrypted files: FILE decrypted, or (without the key) a one-line note and FILE as stored, so that `git diff` never fails'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit rotate updatekeys groups set unset exec-env exec-file completion audit man check status git-merge git-textconv git publish keyservice filestatus help" -f -a "git" -d 'Set git up for encrypted files: the diff and merge drivers, and `.gitattributes` lines for every file the creation rules cover'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit rotate updatekeys groups set unset exec-env exec-file completion audit man check status git-merge git-textconv git publish keyservice filestatus help" -f -a "publish" -d 'Send a file (or a directory\'s files) to the S3 bucket, GCS bucket or Vault KV path its destination rule names'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit rotate updatekeys groups set unset exec-env exec-file completion audit man check status git-merge git-textconv git publish keyservice filestatus help" -f -a "keyservice" -d 'Serve sops\'s key service (gRPC): wrap and unwrap data keys for other sops and sops-rs processes with this process\'s credentials. Default: a private unix socket'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit rotate updatekeys groups set unset exec-env exec-file completion audit man check status git-merge git-textconv git publish keyservice filestatus help" -f -a "filestatus" -d 'Print {"encrypted":true} or {"encrypted":false} for a file'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and not __fish_seen_subcommand_from encrypt decrypt edit rotate updatekeys groups set unset exec-env exec-file completion audit man check status git-merge git-textconv git publish keyservice filestatus help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and __fish_seen_subcommand_from groups" -f -a "add" -d 'Add a key group made of the keys given with --age, --pgp, ...'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and __fish_seen_subcommand_from groups" -f -a "delete" -d 'Delete the key group at INDEX (0-based)'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "verify" -d 'Check an audit log\'s hash chain; report the first broken line'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "report" -d 'Report on audit logs: who read which file when, counts per file and key, KMS error rate, provider latency, denied and failed operations, new actors and CI repositories, rotations'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "hash" -d 'Print the HMAC of a tree path under SOPS_RS_AUDIT_HMAC_KEY, to search the logs with'
complete -c sops-rs -n "__fish_sops_rs_using_subcommand help; and __fish_seen_subcommand_from git" -f -a "setup" -d 'Configure git\'s diff and merge drivers and add `.gitattributes` lines for every file the creation rules cover'
