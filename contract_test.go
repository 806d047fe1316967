package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"qwendesk/internal/tsgen"
)

// contractFile is the generated TypeScript, relative to the repository.
const contractFile = "frontend/src/lib/contract.gen.ts"

// TestContractIsCurrent fails when a Go type, bound method, event or error kind changed and
// contract.gen.ts was not regenerated. `make bindings` runs it with UPDATE_CONTRACT=1.
func TestContractIsCurrent(t *testing.T) {
	want, err := writeContract(".")
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("UPDATE_CONTRACT") == "1" {
		if err := os.WriteFile(contractFile, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(contractFile)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(want, "\n")
		for i := range max(len(gl), len(wl)) {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s is out of date (first difference at line %d):\n  committed: %s\n  from Go:   %s\nrun 'make bindings' and commit the result", contractFile, i+1, g, w)
			}
		}
	}
}

// Every error kind declared anywhere is in the contract, so the UI has words for it; and no
// code writes a kind as a bare string, which this check could not see.
func TestEveryErrorKindIsInTheContract(t *testing.T) {
	known := map[string]bool{}
	for _, k := range errorKinds() {
		if known[k] {
			t.Errorf("error kind %q is listed twice", k)
		}
		known[k] = true
	}
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "frontend" || d.Name() == "build" || strings.HasPrefix(d.Name(), ".")) && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				for i, name := range n.Names {
					if !strings.HasPrefix(name.Name, "Kind") || i >= len(n.Values) {
						continue
					}
					if lit, ok := n.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						v, _ := strconv.Unquote(lit.Value)
						if !known[v] {
							t.Errorf("%s: error kind %s = %q is not in errorKinds() (contract.go)", fset.Position(name.Pos()), name.Name, v)
						}
					}
				}
			case *ast.KeyValueExpr:
				if key, ok := n.Key.(*ast.Ident); ok && key.Name == "Kind" {
					if lit, ok := n.Value.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						t.Errorf("%s: error kind %s written as a string; declare a Kind constant", fset.Position(lit.Pos()), lit.Value)
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The enum values declared for TypeScript are exactly the constants of each type in Go.
func TestContractEnumsListEveryConstant(t *testing.T) {
	g := tsgen.New()
	contractTypes(g)
	for typ, values := range g.Enums() {
		consts := constantsOf(t, typ)
		slices.Sort(consts)
		v := slices.Clone(values)
		slices.Sort(v)
		if !slices.Equal(consts, v) {
			t.Errorf("%s: the contract lists %q, Go declares %q", typ, v, consts)
		}
	}
}

// constantsOf returns the values of typ's constants in its package's source.
func constantsOf(t *testing.T, typ reflect.Type) []string {
	t.Helper()
	dir := filepath.Join(".", strings.TrimPrefix(typ.PkgPath(), "qwendesk/"))
	strs := untypedStrings(t, dir) // for "env:" + EnvDashScope
	var typed []ast.Expr
	eachConst(t, dir, func(vs *ast.ValueSpec) {
		if id, ok := vs.Type.(*ast.Ident); ok && id.Name == typ.Name() {
			typed = append(typed, vs.Values...)
		}
	})
	var eval func(e ast.Expr) string
	eval = func(e ast.Expr) string {
		switch e := e.(type) {
		case *ast.BasicLit:
			v, _ := strconv.Unquote(e.Value)
			return v
		case *ast.BinaryExpr:
			return eval(e.X) + eval(e.Y)
		case *ast.Ident:
			if v, ok := strs[e.Name]; ok {
				return v
			}
		case *ast.SelectorExpr: // another package's constant (chat's statuses are the store's)
			if pkg, ok := e.X.(*ast.Ident); ok {
				if v, ok := untypedStrings(t, filepath.Join("internal", pkg.Name))[e.Sel.Name]; ok {
					return v
				}
			}
		}
		t.Fatalf("%s: cannot read the constant %s", typ, fmt.Sprint(e))
		return ""
	}
	out := make([]string, 0, len(typed))
	for _, e := range typed {
		out = append(out, eval(e))
	}
	return out
}

// writeContract renders contract.gen.ts. srcDir is the root package's folder: parameter
// names are read from its source, which reflection does not keep.
func writeContract(srcDir string) (string, error) {
	params, err := boundParamNames(srcDir)
	if err != nil {
		return "", err
	}
	g := tsgen.New()
	contractTypes(g)
	var methods strings.Builder
	app := reflect.TypeFor[*App]()
	errType := reflect.TypeFor[error]()
	for i := range app.NumMethod() {
		m := app.Method(i)
		names := params[m.Name]
		if len(names) != m.Type.NumIn()-1 {
			return "", fmt.Errorf("contract: %s has %d parameters in reflection, %d in source", m.Name, m.Type.NumIn()-1, len(names))
		}
		args := make([]string, len(names))
		for j, n := range names {
			args[j] = n + ": " + g.Type(m.Type.In(j+1))
		}
		result := "void"
		switch out := m.Type.NumOut(); {
		case out == 1 && m.Type.Out(0) == errType:
		case out == 2 && m.Type.Out(1) == errType:
			result = g.Type(m.Type.Out(0))
		default:
			return "", fmt.Errorf("contract: bound method %s must return (T, error) or error", m.Name)
		}
		fmt.Fprintf(&methods, "  %s(%s): Promise<%s>;\n", m.Name, strings.Join(args, ", "), result)
	}

	var events strings.Builder
	var payloads strings.Builder
	for _, e := range contractEvents() {
		fmt.Fprintf(&events, "export const %s = %q;\n", e.constName, e.name)
		fmt.Fprintf(&payloads, "  [%s]: %s;\n", e.constName, g.Type(reflect.TypeOf(e.payload)))
	}
	decls, err := g.Write()
	if err != nil {
		return "", err
	}
	kinds := make([]string, 0, len(errorKinds()))
	for _, k := range errorKinds() {
		kinds = append(kinds, fmt.Sprintf("  %q,", k))
	}

	var b strings.Builder
	b.WriteString("// Code generated from the Go side (contract.go) by `make bindings`. DO NOT EDIT.\n")
	b.WriteString("// The types, bound methods, events and error kinds that cross between Go and the webview.\n\n")
	b.WriteString(decls)
	b.WriteString("/** The methods Go binds on window.go.main.App. */\nexport interface BoundApp {\n" + methods.String() + "}\n\n")
	b.WriteString(events.String() + "\n")
	b.WriteString("/** Each event's payload. */\nexport interface EventPayloads {\n" + payloads.String() + "}\n\n")
	b.WriteString("/** Every error kind Go can report. */\nexport const ERROR_KINDS = [\n" + strings.Join(kinds, "\n") + "\n] as const;\n")
	return b.String(), nil
}

// boundParamNames reads the parameter names of *App's exported methods from the source.
func boundParamNames(dir string) (map[string][]string, error) {
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	out := map[string][]string{}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !fn.Name.IsExported() || !isAppReceiver(fn.Recv) {
				continue
			}
			var names []string
			for _, p := range fn.Type.Params.List {
				for _, n := range p.Names {
					names = append(names, n.Name)
				}
			}
			out[fn.Name.Name] = names
		}
	}
	return out, nil
}

func isAppReceiver(r *ast.FieldList) bool {
	if len(r.List) != 1 {
		return false
	}
	star, ok := r.List[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	id, ok := star.X.(*ast.Ident)
	return ok && id.Name == "App"
}

// untypedStrings returns the untyped string constants declared in a package's source.
func untypedStrings(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	eachConst(t, dir, func(vs *ast.ValueSpec) {
		for i, name := range vs.Names {
			if vs.Type == nil && i < len(vs.Values) {
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					out[name.Name], _ = strconv.Unquote(lit.Value)
				}
			}
		}
	})
	return out
}

// eachConst calls fn for every const spec in a package's non-test source.
func eachConst(t *testing.T, dir string, fn func(*ast.ValueSpec)) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.CONST {
				for _, spec := range gd.Specs {
					fn(spec.(*ast.ValueSpec))
				}
			}
		}
	}
}
