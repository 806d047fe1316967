package docs

import (
	"archive/zip"
	"bytes"
	"path/filepath"
	"strings"
)

// textKinds maps the extensions of text formats to their kind; the content must still decode
// as text. Anything not listed here and not a known binary extension is "unknown": accepted
// when it decodes as text.
var textKinds = map[string]Type{
	"txt": TypeText, "text": TypeText, "log": TypeText,
	"md": TypeMarkdown, "markdown": TypeMarkdown,
	"html": TypeHTML, "htm": TypeHTML, "xhtml": TypeHTML,
	"json": TypeJSON, "jsonl": TypeJSON, "ndjson": TypeJSON,
	"csv": TypeCSV, "tsv": TypeCSV,
}

// codeLanguages maps source extensions to the language named in Document.Language.
var codeLanguages = map[string]string{
	"go": "go", "py": "python", "js": "javascript", "mjs": "javascript", "ts": "typescript",
	"tsx": "tsx", "jsx": "jsx", "java": "java", "kt": "kotlin", "c": "c", "h": "c",
	"cc": "cpp", "cpp": "cpp", "hpp": "cpp", "cs": "csharp", "rs": "rust", "rb": "ruby",
	"php": "php", "swift": "swift", "sh": "bash", "bash": "bash", "sql": "sql",
	"yaml": "yaml", "yml": "yaml", "toml": "toml", "xml": "xml", "css": "css",
	"svelte": "svelte", "vue": "vue", "lua": "lua", "r": "r", "scala": "scala",
	"ini": "ini", "conf": "ini", "dockerfile": "dockerfile", "makefile": "makefile",
}

// binaryKinds are extensions that promise a binary format: content that is not that format
// is disguised.
var binaryKinds = map[string]Type{
	"pdf": TypePDF, "docx": TypeDOCX, "xlsx": TypeXLSX, "pptx": TypePPTX,
	"png": TypeImage, "jpg": TypeImage, "jpeg": TypeImage, "gif": TypeImage,
	"webp": TypeImage, "bmp": TypeImage, "tif": TypeImage, "tiff": TypeImage,
}

// sniffed is what the bytes are, before the extension is consulted.
type sniffed int

const (
	sniffText sniffed = iota // not a known binary format: decide by decoding
	sniffPDF
	sniffDOCX
	sniffXLSX
	sniffPPTX
	sniffZip        // some other zip (ODF, a plain archive)
	sniffOLE        // a Compound File: legacy .doc/.xls, or an encrypted OOXML file
	sniffOLEEncrypt // a Compound File holding an EncryptedPackage: a password-protected docx/xlsx/pptx
	sniffImage
	sniffExecutable
)

func sniff(data []byte) sniffed {
	head := data[:min(len(data), 1024)]
	switch {
	case bytes.Contains(head, []byte("%PDF-")):
		return sniffPDF
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return sniffOffice(data)
	case bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		if bytes.Contains(data, utf16le("EncryptedPackage")) {
			return sniffOLEEncrypt
		}
		return sniffOLE
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")),
		bytes.HasPrefix(data, []byte("\xFF\xD8\xFF")),
		bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")),
		len(data) >= 12 && bytes.Equal(data[:4], []byte("RIFF")) && bytes.Equal(data[8:12], []byte("WEBP")),
		bytes.HasPrefix(data, []byte("BM")) && len(data) > 26 && data[14] >= 12 && data[15] == 0,
		bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return sniffImage
	case bytes.HasPrefix(data, []byte("\x7fELF")),
		bytes.HasPrefix(data, []byte("MZ")),
		bytes.HasPrefix(data, []byte("\xCF\xFA\xED\xFE")), bytes.HasPrefix(data, []byte("\xCE\xFA\xED\xFE")),
		bytes.HasPrefix(data, []byte("\xCA\xFE\xBA\xBE")):
		return sniffExecutable
	}
	return sniffText
}

// sniffOffice looks at a zip's central directory only; nothing is decompressed here.
func sniffOffice(data []byte) sniffed {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		// A damaged zip that starts like one: let the Office reader report it as corrupt
		// when the extension says Office, otherwise it is an unreadable archive.
		return sniffZip
	}
	for _, f := range zr.File {
		switch f.Name {
		case "word/document.xml":
			return sniffDOCX
		case "xl/workbook.xml":
			return sniffXLSX
		case "ppt/presentation.xml":
			return sniffPPTX
		}
	}
	return sniffZip
}

func utf16le(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		b = append(b, s[i], 0)
	}
	return b
}

// classify decides the kind from the content, and uses the extension to catch files whose
// content contradicts it.
func classify(name string, data []byte) (Type, error) {
	e := ext(name)
	want, promised := binaryKinds[e]
	s := sniff(data)
	got := map[sniffed]Type{sniffPDF: TypePDF, sniffDOCX: TypeDOCX, sniffXLSX: TypeXLSX, sniffPPTX: TypePPTX, sniffImage: TypeImage}[s]
	switch s {
	case sniffPDF, sniffDOCX, sniffXLSX, sniffPPTX, sniffImage:
		if promised && want != got && !(want == TypeImage && got == TypeImage) {
			return "", disguised(name, e, got)
		}
		return got, nil
	case sniffOLEEncrypt:
		return "", errEncrypted(name, nil)
	case sniffOLE:
		return "", newError(KindUnsupported, name, nil,
			"%s is an old Office file (.doc/.xls/.ppt); save it as .docx/.xlsx/.pptx and attach it again.", name)
	case sniffZip:
		if promised && (want == TypeDOCX || want == TypeXLSX || want == TypePPTX) {
			if _, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err != nil {
				return "", errCorrupt(name, err, "the zip structure is broken")
			}
			return "", disguised(name, e, "")
		}
		return "", newError(KindUnsupported, name, nil, "%s is an archive or a format that cannot be read as text.", name)
	case sniffExecutable:
		if promised {
			return "", disguisedAs(name, e, "a program")
		}
		return "", newError(KindUnsupported, name, nil, "%s is a program, not a document.", name)
	}
	if promised {
		return "", disguisedAs(name, e, "text or an unknown binary")
	}
	if k, ok := textKinds[e]; ok {
		return k, nil
	}
	if _, ok := codeLanguages[e]; ok {
		return TypeCode, nil
	}
	if _, ok := codeLanguages[lowerBase(name)]; ok {
		return TypeCode, nil
	}
	return TypeText, nil
}

func lowerBase(name string) string {
	return strings.ToLower(filepath.Base(name))
}

func disguised(name, e string, got Type) *Error {
	what := "something else"
	if got != "" {
		what = "a " + string(got) + " file"
	}
	return disguisedAs(name, e, what)
}

func disguisedAs(name, e, what string) *Error {
	return newError(KindDisguised, name, nil,
		"%s is named .%s but its content is %s; it was not opened.", name, e, what)
}
