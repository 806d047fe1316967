package docs

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// officeZip is an Office file's zip, checked once against Limits before any entry is
// decompressed. archive/zip already fails a read that runs past an entry's declared size, so
// checking the declared sizes bounds what can actually be unpacked.
type officeZip struct {
	name  string
	files map[string]*zip.File
	lim   Limits
}

func openOfficeZip(name string, data []byte, lim Limits) (*officeZip, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, errCorrupt(name, err, "the zip structure is broken")
	}
	if len(zr.File) > lim.MaxZipEntries {
		return nil, errZipBomb(name, fmt.Sprintf("%s entries, the limit is %s", formatCount(len(zr.File)), formatCount(lim.MaxZipEntries)))
	}
	z := &officeZip{name: name, files: make(map[string]*zip.File, len(zr.File)), lim: lim}
	var total uint64
	for _, f := range zr.File {
		if !insideArchive(f.Name) {
			return nil, errCorrupt(name, nil, fmt.Sprintf("it holds an entry named outside the archive: %q", f.Name))
		}
		total += f.UncompressedSize64
		if total > uint64(lim.MaxUnzippedBytes) {
			return nil, errZipBomb(name, fmt.Sprintf("more than %s unpacked", formatBytes(lim.MaxUnzippedBytes)))
		}
		if f.UncompressedSize64 > 1<<20 && f.UncompressedSize64 > uint64(lim.MaxCompressionRatio)*max(f.CompressedSize64, 1) {
			return nil, errZipBomb(name, fmt.Sprintf("%s compresses more than %d to 1", f.Name, lim.MaxCompressionRatio))
		}
		z.files[f.Name] = f
	}
	return z, nil
}

// insideArchive rejects names that would land outside a folder they were unpacked into; we
// never unpack to disk, but such a name only comes from a crafted file.
func insideArchive(n string) bool {
	if n == "" || strings.HasPrefix(n, "/") || strings.Contains(n, "\\") || strings.Contains(n, ":") {
		return false
	}
	for _, seg := range strings.Split(n, "/") {
		if seg == ".." {
			return false
		}
	}
	return true
}

// open returns the entry's reader, or nil with no error when the entry is absent.
func (z *officeZip) open(p string) (io.ReadCloser, error) {
	f := z.files[strings.TrimPrefix(path.Clean("/"+p), "/")]
	if f == nil {
		return nil, nil
	}
	r, err := f.Open()
	if err != nil {
		return nil, errCorrupt(z.name, err, "an entry cannot be unpacked")
	}
	return r, nil
}

// xmlWalker streams an entry's XML tokens with a depth bound and ctx checks, so that neither
// deep nesting nor a huge part can hold the reader past the limits.
type xmlWalker struct {
	ctx   context.Context
	name  string
	dec   *xml.Decoder
	depth int
	max   int
	n     int
}

func (z *officeZip) walk(ctx context.Context, p string) (*xmlWalker, io.Closer, error) {
	r, err := z.open(p)
	if err != nil || r == nil {
		return nil, nil, err
	}
	d := xml.NewDecoder(r)
	d.Strict = false
	return &xmlWalker{ctx: ctx, name: z.name, dec: d, max: z.lim.MaxXMLDepth}, r, nil
}

// next is the next token, or io.EOF at the end; errors are typed.
func (w *xmlWalker) next() (xml.Token, error) {
	w.n++
	if w.n%4096 == 0 {
		if err := w.ctx.Err(); err != nil {
			return nil, err
		}
	}
	tok, err := w.dec.Token()
	if errors.Is(err, io.EOF) {
		return nil, io.EOF
	}
	if err != nil {
		if errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrChecksum) {
			return nil, errCorrupt(w.name, err, "an entry is damaged")
		}
		return nil, errCorrupt(w.name, err, "its XML is malformed")
	}
	switch tok.(type) {
	case xml.StartElement:
		w.depth++
		if w.depth > w.max {
			return nil, errCorrupt(w.name, nil, fmt.Sprintf("its XML is nested more than %d levels deep", w.max))
		}
	case xml.EndElement:
		w.depth--
	}
	return tok, nil
}

func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// rels reads a .rels part into Id → absolute entry path.
func (z *officeZip) rels(ctx context.Context, relsPath, baseDir string) (map[string]string, error) {
	w, c, err := z.walk(ctx, relsPath)
	if err != nil || w == nil {
		return map[string]string{}, err
	}
	defer c.Close()
	out := map[string]string{}
	for {
		tok, err := w.next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "Relationship" {
			t := attr(se, "Target")
			if strings.HasPrefix(t, "/") {
				out[attr(se, "Id")] = strings.TrimPrefix(path.Clean(t), "/")
			} else {
				out[attr(se, "Id")] = strings.TrimPrefix(path.Clean("/"+baseDir+"/"+t), "/")
			}
		}
	}
}
