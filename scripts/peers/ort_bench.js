// ONNX Runtime (npm onnxruntime-node) peer: times the exported encoder on the same cases as
// torch_encoder.py and `semvec bench --json` and prints JSON lines (with the process's peak RSS).
//   NODE_PATH=/work/peers/ort/node_modules node ort_bench.js model.onnx ENGINE_NAME THREADS SECONDS [SHAPE] [CASES]
// CASES: comma-separated bBATCHxTOKENS (default b32x128,b1x16,b1x128,b1x512). Each case: 1 warm-up run, then
// runs until SECONDS have passed and at least 2 ran.
const ort = require('onnxruntime-node');

function parseCases(s) {
  return s.split(',').map((c) => {
    const m = /^b(\d+)x(\d+)$/.exec(c);
    if (!m) throw new Error(`bad case ${c}`);
    return [c, parseInt(m[1], 10), parseInt(m[2], 10)];
  });
}

async function main() {
  const [model, engine, threadsArg, secondsArg, shape, casesArg] = process.argv.slice(2);
  const CASES = parseCases(casesArg || 'b32x128,b1x16,b1x128,b1x512');
  const threads = parseInt(threadsArg || '1', 10);
  const seconds = parseFloat(secondsArg || '2');
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // 2 vCPUs: spinning workers stall each other, so they sleep instead.
    extra: {session: {intra_op: {allow_spinning: '0'}, inter_op: {allow_spinning: '0'}}},
  });
  for (const [name, b, t] of CASES) {
    const ids = new BigInt64Array(b * t);
    for (let i = 0; i < ids.length; ++i) ids[i] = BigInt(1000 + ((i * 7919) % 29000));
    const mask = new BigInt64Array(b * t).fill(1n);
    const feeds = {
      input_ids: new ort.Tensor('int64', ids, [b, t]),
      attention_mask: new ort.Tensor('int64', mask, [b, t]),
    };
    await session.run(feeds);  // warm-up
    let n = 0, best = Infinity;
    const start = process.hrtime.bigint();
    for (;;) {
      const t0 = process.hrtime.bigint();
      await session.run(feeds);
      const dt = Number(process.hrtime.bigint() - t0) / 1e9;
      best = Math.min(best, dt);
      ++n;
      const el = Number(process.hrtime.bigint() - start) / 1e9;
      if (el >= seconds && n >= 2) break;
    }
    const mean = Number(process.hrtime.bigint() - start) / 1e9 / n;
    console.log(JSON.stringify({engine, shape: shape || 'minilm', threads, case: name, batch: b, tokens: t,
                                ms: mean * 1e3, best_ms: best * 1e3, sent_per_s: b / mean,
                                peak_rss_mb: process.resourceUsage().maxRSS / 1024, calls: n}));
  }
}
main().catch((e) => { console.error(String(e)); process.exit(1); });
