package docs

import "context"

func officeNotYet(name string) (*Document, error) {
	return nil, newError(KindUnsupported, name, nil, "%s: Office files are not read yet.", name)
}

func extractDOCX(_ context.Context, name string, _ []byte, _ Limits) (*Document, error) {
	return officeNotYet(name)
}

func extractXLSX(_ context.Context, name string, _ []byte, _ Limits) (*Document, error) {
	return officeNotYet(name)
}

func extractPPTX(_ context.Context, name string, _ []byte, _ Limits) (*Document, error) {
	return officeNotYet(name)
}
