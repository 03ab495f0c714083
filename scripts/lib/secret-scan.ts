// Looks for storage credentials in text a person may read or paste: host logs, Azurite's
// output. The development account key is public, but a log that prints it would print a real
// account's key just the same.

import { DEV_ACCOUNT } from '@workshop/azurite';

const SECRETS: Array<[label: string, pattern: RegExp]> = [
  ['the development account key', new RegExp(DEV_ACCOUNT.key.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))],
  ['AccountKey=', /AccountKey=/i],
  ['SharedAccessSignature=', /SharedAccessSignature=/i],
  ['a SAS signature (sig=)', /[?&;\s]sig=/i],
];

export interface SecretHit {
  source: string;
  label: string;
  /** The line, with the secret's value cut out. */
  line: string;
}

export function scanForSecrets(source: string, text: string): SecretHit[] {
  const hits: SecretHit[] = [];
  for (const line of text.split('\n')) {
    for (const [label, pattern] of SECRETS) {
      if (pattern.test(line))
        hits.push({
          source,
          label,
          line: line
            .replace(/(AccountKey=|SharedAccessSignature=|sig=)[^;&\s]*/gi, '$1…')
            .replace(DEV_ACCOUNT.key, '…')
            .slice(0, 200),
        });
    }
  }
  return hits;
}
