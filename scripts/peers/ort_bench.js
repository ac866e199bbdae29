// ONNX Runtime (npm onnxruntime-node) peer: times the exported encoder on the same cases as
// torch_encoder.py and prints JSON lines.
//   NODE_PATH=/work/peers/ort/node_modules node ort_bench.js model.onnx ENGINE_NAME THREADS SECONDS
const ort = require('onnxruntime-node');

const CASES = [['b32x128', 32, 128], ['b1x16', 1, 16], ['b1x128', 1, 128], ['b1x512', 1, 512]];

async function main() {
  const [model, engine, threadsArg, secondsArg, shape] = process.argv.slice(2);
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
      if (el >= seconds && n >= 3) break;
    }
    const mean = Number(process.hrtime.bigint() - start) / 1e9 / n;
    console.log(JSON.stringify({engine, shape: shape || 'minilm', threads, case: name, batch: b, tokens: t,
                                ms: mean * 1e3, best_ms: best * 1e3, sent_per_s: b / mean}));
  }
}
main().catch((e) => { console.error(String(e)); process.exit(1); });
