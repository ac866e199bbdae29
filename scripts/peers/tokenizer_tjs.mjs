// transformers.js peer for scripts/bench_tokenizer.sh: single-thread encode throughput on one corpus.
// usage: NODE_PATH=... node tokenizer_tjs.mjs TJS_DIR tokenizer.json corpus.txt (one text per line)
import fs from 'node:fs';
import path from 'node:path';
const [tjsDir, tokPath, corpusPath] = process.argv.slice(2);
const mod = await import(path.join(tjsDir, 'node_modules/@huggingface/transformers/dist/transformers.node.mjs'));
const tok = new mod.BertTokenizer(JSON.parse(fs.readFileSync(tokPath, 'utf8')), {do_lower_case: true, model_max_length: 1e9});
const texts = fs.readFileSync(corpusPath, 'utf8').split('\n').filter((t) => t.length > 0);
const bytes = texts.reduce((a, t) => a + Buffer.byteLength(t, 'utf8'), 0);
let best = Infinity, tokens = 0;
for (let rep = 0; rep < 5; ++rep) {
  const t0 = process.hrtime.bigint();
  tokens = 0;
  for (const t of texts) tokens += tok.encode(t).length;
  const dt = Number(process.hrtime.bigint() - t0) / 1e9;
  best = Math.min(best, dt);
}
console.log(JSON.stringify({peer: 'transformers.js ' + (mod.env?.version ?? '?'), seconds: best, bytes, tokens,
                            mb_s: bytes / best / 1e6, tokens_s: tokens / best}));
