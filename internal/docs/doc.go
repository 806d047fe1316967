// Package docs extracts the text of attached files (PDF, Office, CSV, text) with its page, sheet and slide structure, within stated limits.
//
// # Detection
//
// The kind comes from the content (%PDF-, a zip holding word/document.xml, …); the extension
// only picks among text kinds and catches files whose content contradicts it (an .exe renamed
// .pdf is KindDisguised). Images are recognised and returned as TypeImage with no text: the
// vision path handles them. A text file of any extension is accepted when it decodes as
// UTF-8 (or UTF-16 with a BOM) or GB18030; Document.Encoding says which was assumed.
//
// # Limits (DefaultLimits; every one is enforced and tested)
//
//   - input: 50 MB (KindTooLarge)
//   - zip: 256 MB of declared unpacked size in total, 10,000 entries, 200:1 compression on
//     any entry over 1 MiB (KindZipBomb); archive/zip fails a read past a declared size, so
//     the declared sizes bound what is actually unpacked. Entry names with "..", a leading
//     "/", "\" or ":" are rejected (KindCorrupt)
//   - XML nesting: 256 levels (KindCorrupt)
//   - tables: 500 rows and 50 columns per sheet or CSV; the rest is counted in a note
//     ("… 48,211 more rows not shown")
//   - time: 60 s per file on top of ctx (KindTimeout). Readers run on their own goroutine
//     and poll ctx; PDFium runs in a WebAssembly sandbox that is killed mid-parse, capped at
//     1 GiB of memory
//   - a panic in any reader becomes KindCorrupt
//
// # Page images (RenderPages, for scans)
//
// A PDF's first pages drawn as opaque RGB PNGs for a vision model (DefaultRenderLimits): at
// most 6 pages, 150 DPI, at most 1,600 px on the longest side, and a size shrunk until an
// incompressible PNG of it would still be under 10 MB, so no page needs a second try. Drawing
// goes through the same engine instances and kill-on-timeout as extraction (60 s).
//
// # Tokens
//
// EstimateTokens counts each CJK character as one token and other characters as a quarter
// token: Qwen's tokenizer is not available here, and the estimate should err high.
//
// # PDF: why PDFium (WebAssembly) and not a pure-Go parser
//
// Measured on PDFs printed by Debian's Chromium (see docstest), this machine (2 cores):
//
//   - Chinese in a CIDFontType2 / Identity-H font with ToUnicode (WenQuanYi): PDFium, and
//     ledongthuc/pdf and its fork dslipak/pdf all return the body text; the two Go readers
//     turn the bold heading (a Type 3 font) into "ÄÈ1\x12".
//   - Chinese and English in Type 3 fonts with ToUnicode (what Chromium makes of Noto Sans
//     CJK, the usual Linux CJK font): PDFium is exact; both Go readers return mojibake for
//     every page ("%ïTÑú…" for "甲方应当…"). This alone rules them out.
//   - Two columns: PDFium and ledongthuc's GetPlainText give the left column then the
//     right; ledongthuc's GetTextByRow interleaves them and reverses rows.
//   - Speed, 200 mixed Chinese/English pages (cmd/benchdocs): PDFium 58–104 pages/s,
//     ledongthuc/pdf 1,100–2,500 pages/s (but wrong on Type 3). PDFium also costs a one-time
//     3–5 s compile of its 5.8 MB module per Extractor, and ≈ 10 MB of binary.
//   - The engine runs with wazero's close-on-context-done so that a timeout interrupts a
//     stuck parse; measured, that check costs 4–6× (383 pages/s without it). We keep it: a
//     crafted PDF that loops inside PDFium would otherwise hold an instance forever.
//
// XLSX is read by our own streaming reader: on a 200,000-row sheet written by excelize
// (60 MB of XML) it ran at 22.6 MB/s against excelize's Rows() at 16.3 MB/s, both with a
// 15 MB heap peak, and without excelize's dependencies in the app.
//
// go-pdfium (MIT) embeds pdfium.wasm (BSD/Apache) in its Go module and runs it with wazero,
// pure Go: no cgo, no download, the same on Windows, macOS and Linux. pdfcpu was not a
// candidate for text: it has no text extractor.
package docs
