package docs

import "context"

type pdfEngine struct{}

func newPDFEngine() *pdfEngine { return &pdfEngine{} }

func (p *pdfEngine) close() error { return nil }

func (p *pdfEngine) extract(ctx context.Context, name string, data []byte) (*Document, error) {
	return nil, newError(KindUnsupported, name, nil, "%s: PDF reading is not available yet.", name)
}
