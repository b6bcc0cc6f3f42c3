import { namedAccount } from '../accounts/member-accounts';
import type { Alert } from './alert';

/**
 * The account's name from the `accountNames` setting, on the alert and on its console links (a console
 * link opens in whichever account the reader is signed in to: the label says which one it is meant for).
 * An alert of an unnamed account is left as it is.
 */
export function withAccountName(alert: Alert, names: Readonly<Record<string, string>>): Alert {
  const name = alert.accountName ?? names[alert.account];
  if (!name || alert.accountName === name) return alert;
  const label = namedAccount(alert.account, name);
  return {
    ...alert,
    accountName: name,
    links: alert.links.map((link) => ({ ...link, label: `${link.label} (account ${label}, ${alert.region})` })),
  };
}
