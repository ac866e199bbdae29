// ONNX Runtime (npm onnxruntime-node) peer of scripts/bench_vision.sh: images/s of an exported torchvision model.
//   NODE_PATH=/work/peers/ort/node_modules node ort_vision.js model.onnx NAME THREADS SECONDS BATCHES
const ort = require('onnxruntime-node');
async function main() {
  const [model, name, threadsArg, secondsArg, batchesArg] = process.argv.slice(2);
  const threads = parseInt(threadsArg, 10), seconds = parseFloat(secondsArg);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
    extra: {session: {intra_op: {allow_spinning: '0'}, inter_op: {allow_spinning: '0'}}},
  });
  for (const b of batchesArg.split(',').map((s) => parseInt(s, 10))) {
    const x = new Float32Array(b * 3 * 224 * 224);
    for (let i = 0; i < x.length; ++i) x[i] = ((i * 7919) % 255) / 127 - 1;
    const feeds = {input: new ort.Tensor('float32', x, [b, 3, 224, 224])};
    await session.run(feeds);
    let runs = 0, best = Infinity, bestCpu = Infinity;
    const start = process.hrtime.bigint();
    for (;;) {
      const a = process.hrtime.bigint(), ca = process.cpuUsage();
      await session.run(feeds);
      const ms = Number(process.hrtime.bigint() - a) / 1e6, cpu = process.cpuUsage(ca);
      best = Math.min(best, ms);
      bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1e3);
      ++runs;
      if (runs >= 2 && Number(process.hrtime.bigint() - start) / 1e9 >= seconds) break;
    }
    console.log(JSON.stringify({engine: 'ort-fp32', model: name, threads, batch: b, ms: best, images_per_s: b / (best / 1e3), cpu_ms: bestCpu,
                                peak_rss_mb: process.resourceUsage().maxRSS / 1024, runs, ort: ort.env.versions ? ort.env.versions.common : ''}));
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
