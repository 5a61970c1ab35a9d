// Run by NodeSdkIT with the real @pyroscope/nodejs SDK (resolved through NODE_PATH): wall and heap
// profiles, CPU burnt under wrapWithLabels, for several flush intervals, then a flushing stop().
const Pyroscope = require('@pyroscope/nodejs');

const serverAddress = process.env.FLARESTACK_URL;
const appName = process.env.APP_NAME;
const runMillis = Number(process.env.RUN_MILLIS || '5000');

function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

let retained = [];
function work(ms) {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) {
    x += fib(22);
    retained.push(new Array(256).fill(x));
    if (retained.length > 2000) {
      retained = [];
    }
  }
  return x;
}

async function main() {
  Pyroscope.init({
    serverAddress,
    appName,
    flushIntervalMs: 1500,
    tags: { region: 'it' },
    heap: { samplingIntervalBytes: 32 * 1024 },
    wall: { collectCpuTime: true },
  });
  Pyroscope.start();
  const end = Date.now() + runMillis;
  while (Date.now() < end) {
    Pyroscope.wrapWithLabels({ vehicle: 'car' }, () => work(150));
    Pyroscope.wrapWithLabels({ vehicle: 'bike' }, () => work(50));
    await new Promise((resolve) => setImmediate(resolve));
  }
  await Pyroscope.stop();
  console.log('burn.js done');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
