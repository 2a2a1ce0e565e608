// `npm run bench`: the ingest benchmark (bench/ingest.ts), or with `--profile chaos` the database outage under load
// (bench/chaos.ts). Each parses its own options.
const at = process.argv.indexOf('--profile');
const chaos = (at > 0 && process.argv[at + 1] === 'chaos') || process.argv.includes('--profile=chaos');
void import(chaos ? './chaos' : './ingest');
