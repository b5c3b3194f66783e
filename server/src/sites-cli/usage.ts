/** The help of each command of `sequitur sites` (`npm run sites -- …`). */
export const USAGE: Record<string, string> = {
  main: `usage: sequitur sites <command> [options]

Manages the sites of a running Sequitur server through its operator API (/v1/admin/sites).

commands:
  add SITE [site options]      create a site; prints its write key and admin secret (shown once)
  list                         list the sites (a table; --json for JSON)
  show SITE                    one site's record
  set SITE [site options]      change a site's origins, quota, settings or openness
  rotate-key SITE              a new write key; the old one works for --grace-seconds (default 86400)
  rotate-secret SITE           a new admin secret (shown once); the old one stops at once
  remove SITE                  remove a site and delete its data

connection options (every command):
  --url URL          the server (default http://localhost:$PORT, PORT default 8787)
  --token TOKEN      the operator token (default $SEQUITUR_OPERATOR_TOKEN, else <data dir>/operator-token)
  --data-dir DIR     where the server keeps its operator-token (default $SEQUITUR_DATA_DIR or ./.sequitur)
  --json             print JSON
  --help             this help, or a command's (sequitur sites add --help)

exit codes: 0 done, 1 the server refused or could not be reached, 2 wrong usage`,
  add: `usage: sequitur sites add SITE [--origin URL]... [--events-per-second N] [--burst N]
         [--connections N] [--window-days N] [--top-k N] [--retention-days N] [--open]

Creates SITE and prints its record with its write key and admin secret (shown only now).
  --origin URL               an allowed Origin (repeat for more); none: any origin
  --events-per-second N      sustained events/s per edge ("unlimited" for none; default 1000)
  --burst N                  events at once above the rate (default 2000)
  --connections N            stream connections per edge ("unlimited" for none; default 5000)
  --window-days N --top-k N --retention-days N   the model's settings (default: the server's)
  --open                     accept batches and reads without the write key`,
  set: `usage: sequitur sites set SITE [--origin URL]... [--any-origin] [--events-per-second N] [--burst N]
         [--connections N] [--window-days N] [--top-k N] [--retention-days N] [--open | --closed]

Changes what is given; --origin replaces the list, --any-origin clears it.`,
  list: 'usage: sequitur sites list [--json]\n\nLists the sites.',
  show: 'usage: sequitur sites show SITE\n\nPrints the site\'s record (never its secret).',
  'rotate-key': 'usage: sequitur sites rotate-key SITE [--grace-seconds N]\n\nPrints a new write key; the previous one keeps working for N seconds (default 86400).',
  'rotate-secret': 'usage: sequitur sites rotate-secret SITE\n\nPrints a new admin secret (shown only now); the previous one stops working at once.',
  remove: 'usage: sequitur sites remove SITE\n\nRemoves the site: its record, log entries and catalog.',
}
