// Peers of scripts/bench_tokenizer.sh: single-thread encode throughput of one tokenizer.json on one corpus.
// usage: node bench_tokenizer_peers.mjs PEER NODE_MODULES tokenizer.json tokenizer_config.json corpus.txt
//   PEER tjs: transformers.js (@huggingface/transformers), the same class AutoTokenizer picks;
//   PEER hf:  HF tokenizers (Rust) through npm @anush008/tokenizers (TOKENIZERS_PARALLELISM/RAYON 1 thread).
// Prints one JSON line: peer, seconds (CPU time, best of 5 passes), bytes, tokens, mb_s, tokens_s.
import fs from 'node:fs';
import path from 'node:path';
import {createRequire} from 'node:module';
const [peer, nodeModules, tokPath, cfgPath, corpusPath] = process.argv.slice(2);
const texts = fs.readFileSync(corpusPath, 'utf8').split('\n').filter((t) => t.length > 0);
const bytes = texts.reduce((a, t) => a + Buffer.byteLength(t, 'utf8'), 0);
let encodeAll, name;
if (peer === 'tjs') {
  const mod = await import(path.join(nodeModules, '@huggingface/transformers/dist/transformers.node.mjs'));
  let cfg = {};
  try { cfg = JSON.parse(fs.readFileSync(cfgPath, 'utf8')); } catch { cfg = {}; }
  cfg.model_max_length = 1e9;
  const cls = mod[cfg.tokenizer_class] ?? mod.PreTrainedTokenizer;
  const tok = new cls(JSON.parse(fs.readFileSync(tokPath, 'utf8')), cfg);
  name = 'transformers.js ' + (mod.env?.version ?? '?');
  encodeAll = async () => { let n = 0; for (const t of texts) n += tok.encode(t).length; return n; };
} else {
  const require = createRequire(path.join(nodeModules, 'x.js'));
  const {Tokenizer} = require('@anush008/tokenizers');
  const tok = Tokenizer.fromFile(tokPath);
  name = 'HF tokenizers 0.22 (Rust)';
  // encodeBatch in blocks: one call per 1000 texts, so the Node binding's per-call cost (a promise and a
  // thread hop) is amortized and the Rust tokenizer itself is measured (RAYON_NUM_THREADS=1: one thread).
  encodeAll = async () => {
    let n = 0;
    for (let i = 0; i < texts.length; i += 1000) {
      const es = await tok.encodeBatch(texts.slice(i, i + 1000), {addSpecialTokens: true});
      for (const e of es) n += e.getLength();
    }
    return n;
  };
}
// CPU time of the process (user + system), as Google Benchmark reports for semvec: on a shared machine wall
// time mostly measures the other jobs. The peers run their tokenizer on one thread (RAYON_NUM_THREADS=1).
let best = Infinity, tokens = 0;
for (let rep = 0; rep < 5; ++rep) {
  const c0 = process.cpuUsage();
  tokens = await encodeAll();
  const c = process.cpuUsage(c0);
  best = Math.min(best, (c.user + c.system) / 1e6);
}
console.log(JSON.stringify({peer: name, seconds: best, bytes, tokens, mb_s: bytes / best / 1e6, tokens_s: tokens / best}));
