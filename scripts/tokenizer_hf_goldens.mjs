// HF tokenizers (Rust, via @anush008/tokenizers) on the golden inputs of one slow-tokenizer golden file.
import fs from 'node:fs';
import {createRequire} from 'node:module';
const [peerDir, tokPath, goldenPath, outPath, padSide] = process.argv.slice(2);
const require = createRequire(peerDir + '/');
const {Tokenizer} = require('@anush008/tokenizers');
const g = JSON.parse(fs.readFileSync(goldenPath, 'utf8'));
function byteOffsets(text, offs) {
  // char (code point) offsets -> byte offsets
  const cps = Array.from(text);
  const at = [0];
  for (const c of cps) at.push(at[at.length - 1] + Buffer.byteLength(c, 'utf8'));
  return offs.map(([b, e]) => [at[b], at[e]]);
}
function fresh() { return Tokenizer.fromFile(tokPath); }
function enc(e, text) {
  return {ids: e.getIds(), tokens: e.getTokens(), type_ids: e.getTypeIds(), attention_mask: e.getAttentionMask(),
          offsets: e.getOffsets(), special: e.getSpecialTokensMask(), seq: e.getSequenceIds ? e.getSequenceIds() : null};
}
const out = {meta: {tokenizers: '0.22.2 (Rust, npm @anush008/tokenizers 0.6.0)', tokenizer_json: tokPath}, strings: [], pairs: [], batches: []};
const tk = fresh();
for (const s of g.strings) {
  const e = await tk.encode(s.text, null, {addSpecialTokens: true});
  const r = enc(e);
  r.byte_offsets = byteOffsets(s.text, r.offsets);
  const n = await tk.encode(s.text, null, {addSpecialTokens: false});
  out.strings.push({text: s.text, input_ids: r.ids, tokens_with_specials: r.tokens, offsets_with_specials: r.byte_offsets,
                    type_ids: r.type_ids, tokens: n.getTokens(), ids: n.getIds(), byte_offsets: byteOffsets(s.text, n.getOffsets())});
}
for (const p of g.pairs) {
  const t = fresh();
  if (p.max_length !== null) {
    const strat = {longest_first: 'LongestFirst', only_first: 'OnlyFirst', only_second: 'OnlySecond'}[p.truncation || 'longest_first'];
    t.setTruncation(p.max_length, {strategy: strat});
  }
  let r;
  try {
    const e = await t.encode(p.a, p.b, {addSpecialTokens: true});
    r = enc(e);
    r.input_ids = r.ids; delete r.ids;
  } catch (err) { r = {error: String(err)}; }
  out.pairs.push({a: p.a, b: p.b, max_length: p.max_length, truncation: p.truncation, ...r});
}
for (const b of g.batches) {
  const t = fresh();
  const kw = b.kwargs;
  const side = padSide || 'right';
  const cfg = JSON.parse(fs.readFileSync(tokPath.replace('tokenizer.json', 'tokenizer_config.json'), 'utf8'));
  const padTok = cfg.pad_token; const padId = t.tokenToId(padTok);
  if (kw.truncation) t.setTruncation(kw.max_length);
  if (kw.padding === 'max_length') t.setPadding({maxLength: kw.max_length, direction: side, padId, padToken: padTok});
  else t.setPadding({direction: side, padId, padToken: padTok});
  const pad = t.getVocab(true);
  let r;
  try {
    const es = await t.encodeBatch(b.texts, {addSpecialTokens: true});
    r = {input_ids: es.map((e) => e.getIds()), attention_mask: es.map((e) => e.getAttentionMask()), type_ids: es.map((e) => e.getTypeIds())};
  } catch (err) { r = {error: String(err)}; }
  out.batches.push({texts: b.texts, kwargs: kw, ...r});
}
fs.writeFileSync(outPath, JSON.stringify(out));
console.log('wrote', outPath, out.strings.length, out.pairs.length, out.batches.length);
