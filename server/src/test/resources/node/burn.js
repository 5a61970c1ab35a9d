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

let stopping = false;
// The SDK's flush timer hands its round to setImmediate; a stop() between the two makes that
// round profile a stopped wall profiler and reject ("Wall profiler is not started"), and the
// round then schedules another. That is an SDK shutdown race, not an upload problem: ignore it
// once stopping, and exit explicitly when done.
process.on('unhandledRejection', (e) => {
  if (stopping && /profiler is not started/.test(String(e && e.message))) {
    console.log('ignored SDK shutdown race: ' + e.message);
    return;
  }
  console.error(e);
  process.exit(1);
});

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
  // Let a round the flush timer already handed to setImmediate run before stopping.
  await new Promise((resolve) => setTimeout(resolve, 0));
  await new Promise((resolve) => setImmediate(resolve));
  stopping = true;
  await Pyroscope.stop();
  console.log('burn.js done');
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
