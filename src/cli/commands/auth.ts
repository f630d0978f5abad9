import { command } from '../command-spec.js';

/** REQ-DEPLOY-001 / issue #15 §2: every person works with their own key, kept outside the repository. */
export const loginCommand = command({
  path: ['login'],
  summary: 'store your own API key for an environment (checked against the cluster first; never in the repository)',
  description:
    'The key goes to a file only you can read (0600; KCOPS_PROFILE_FILE, else $XDG_CONFIG_HOME/kcops/credentials.json, ' +
    'else ~/.config/kcops/credentials.json) and is used for every command on that environment instead of a shared ' +
    'key in kcops.yaml. Self-managed: a kcops access key (`kcops access keys create`); Confluent Cloud: your Cloud ' +
    'API key. The secret is read from --key-file, from standard input with --secret-stdin, or typed at a prompt ' +
    '(not echoed). CI does not log in: it sets KCOPS_CONNECT_KEY_ID/SECRET or KCOPS_CLOUD_API_KEY/SECRET.',
  options: [
    { flags: '--key-id <id>', description: 'the key id (with --secret-stdin or the prompt)' },
    {
      flags: '--key-file <path>',
      description: 'the JSON file `kcops access keys create` wrote ({"username": id, "password": secret})',
    },
    { flags: '--secret-stdin', description: 'read the secret from standard input', default: false },
  ],
  examples: [
    {
      command: 'kcops login --env prod --key-file kcops-key-7QKX2M4RZC8HJT5N.json',
      description: 'log in with the key your admin handed over (then delete the file)',
    },
    {
      command: 'printf %s "$SECRET" | kcops login --env staging --key-id 7QKX2M4RZC8HJT5N --secret-stdin',
      description: 'from a password manager, without the secret on the command line',
    },
  ],
});

export const whoamiCommand = command({
  path: ['whoami'],
  summary: 'who the cluster says you are on an environment, and with which key',
  examples: [
    {
      command: 'kcops whoami --env prod',
      description: 'principal, key id, roles per team, where the key comes from',
    },
    { command: 'kcops whoami --env prod -o json', description: 'the same as JSON' },
  ],
});

export const logoutCommand = command({
  path: ['logout'],
  summary: 'forget your key for an environment (or every key with --all)',
  options: [{ flags: '--all', description: 'remove the whole credentials file', default: false }],
  examples: [
    { command: 'kcops logout --env prod', description: "forget this repository's prod key" },
    { command: 'kcops logout --all', description: 'forget every key kcops keeps for you' },
  ],
});
