/*
Copyright 2026 The vllm-to-sglang Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// How kubectl reads a manifest file, which Decode follows (read in the
// module cache: k8s.io/cli-runtime v0.37, k8s.io/apimachinery v0.37,
// sigs.k8s.io/yaml v1.6, go.yaml.in/yaml/v2 v2.4).
//
// `kubectl apply -f` reads a file with resource.StreamVisitor.Visit
// (cli-runtime pkg/resource/visitor.go), which uses apimachinery's
// utilyaml.NewYAMLOrJSONDecoder(r, 4096): when the first non-space byte of
// the first 4096 is "{", the file is a stream of JSON values read with
// encoding/json's Decoder (on one line or several); if the first or second
// value does not parse as JSON, the rest of the stream is read as YAML.
// Otherwise the file is YAML documents, split on lines starting with "---"
// (utilyaml.YAMLReader; anything but a comment after the "---" is an error),
// each converted to JSON by sigs.k8s.io/yaml's Unmarshal, that is
// go.yaml.in/yaml/v2's non-strict Unmarshal then convertToJSONableObject.
// A document whose JSON is empty or null (nothing, or only comments) is
// skipped. The JSON is then decoded into a map by
// unstructured.UnstructuredJSONScheme (k8s.io/apimachinery/pkg/util/json,
// that is sigs.k8s.io/json, encoding/json's rules); a List's items are
// objects of their own, an item without kind and apiVersion taking them from
// the list (PodList items are Pods: decodeToList).
//
// Duplicate keys are not errors, and the last value wins:
//   - YAML: go.yaml.in/yaml/v2's decoder.setMapIndex (decode.go) refuses a
//     key already set only in strict mode (YAMLToJSONStrict's "key "model"
//     already set in map", which this package used to give); kubectl's
//     non-strict Unmarshal stores every pair in order with
//     reflect.Value.SetMapIndex, so the last value replaces the earlier ones,
//     whole: two mappings under one key are not merged.
//   - JSON: encoding/json stores every pair into the map in order, with the
//     same result.
//
// kubectl apply says nothing about them: what reaches the API server is the
// object re-encoded from that map (helper.Create(info.Object), or
// runtime.Encode of it for server-side apply), so the server's strict field
// validation never sees the duplicate either. The one check that refuses
// duplicates, NoDoubleKeySchema in k8s.io/kubectl/pkg/validation (labels and
// annotations only), runs only with --validate=strict against an API server
// too old for server-side field validation, and for YAML it sees the JSON
// already deduplicated. The exception to "last wins": YAML keys that differ
// but become the same JSON string (1 and "1") are converted by ranging over
// a Go map, so kubectl keeps either value; the warning says so.
//
// Decode uses the very functions kubectl uses for the values
// (yaml.YAMLToJSON, the unstructured decoder), so its objects are what
// kubectl would send; it finds duplicates separately, to say where they are:
// go.yaml.in/yaml/v3's node tree for YAML (keys compared by their text),
// encoding/json's tokens for JSON.

// Warning is something in the input that kubectl accepts without a word
// but whoever wrote the manifests should hear about: a duplicate key.
type Warning struct {
	// Document counts documents from 1 as DocumentError does.
	Document int
	// Line is the line of the input, from 1.
	Line    int
	Message string
}

func (w Warning) String() string {
	return fmt.Sprintf("document %d, line %d: %s", w.Document, w.Line, w.Message)
}

// DocumentError is a document Decode could not read. Document counts from 1
// the documents as kubectl's reader splits the input (a comment-only
// document counts, an empty one between two "---" does not; in a JSON
// stream, each value); Line is the line of the input, from 1: where the
// parser stopped, or the document's first line that is not a comment.
type DocumentError struct {
	Document, Line int
	Err            error
}

func (e *DocumentError) Error() string {
	return fmt.Sprintf("document %d, line %d: %v", e.Document, e.Line, e.Err)
}

func (e *DocumentError) Unwrap() error { return e.Err }

// Decode reads every object of a manifest file as `kubectl apply -f` does
// (see above): YAML documents separated by "---", or JSON objects, one or a
// stream of them. Documents holding nothing or only comments are skipped;
// YAML comments are not kept. A key given twice keeps its last value;
// DecodeWithWarnings says where. A document that does not parse or is not
// a Kubernetes object (no kind or apiVersion) is a *DocumentError.
func Decode(r io.Reader) ([]*unstructured.Unstructured, error) {
	objs, _, err := DecodeWithWarnings(r)
	return objs, err
}

// DecodeWithWarnings is Decode, also returning a warning per duplicate key,
// in input order.
func DecodeWithWarnings(r io.Reader) ([]*unstructured.Unstructured, []Warning, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, err
	}
	docs, splitErr := splitDocuments(data)
	var (
		objs     []*unstructured.Unstructured
		warnings []Warning
	)
	for _, doc := range docs {
		obj, warns, err := doc.decode()
		if err != nil {
			return nil, nil, err
		}
		warnings = append(warnings, warns...)
		if obj != nil {
			objs = append(objs, obj)
		}
	}
	if splitErr != nil {
		return nil, nil, splitErr
	}
	return objs, warnings, nil
}

// document is one document of the input.
type document struct {
	index int    // from 1
	line  int    // the input's line where data starts, from 1
	data  []byte // YAML, or one JSON value
	json  bool
}

// jsonPeek is how far kubectl looks for the "{" of a JSON stream
// (StreamVisitor's NewYAMLOrJSONDecoder(r, 4096)).
const jsonPeek = 4096

// splitDocuments splits the input as kubectl's YAMLOrJSONDecoder does. On
// an error it returns the documents before it, then the error.
func splitDocuments(data []byte) ([]document, error) {
	if !utilyaml.IsJSONBuffer(data[:min(len(data), jsonPeek)]) {
		return splitYAML(data, 1, 1)
	}
	var docs []document
	dec := json.NewDecoder(bytes.NewReader(data))
	end := 0
	for {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		start := end + len(data[end:]) - len(bytes.TrimLeft(data[end:], " \t\r\n"))
		if err != nil {
			if len(docs) > 1 {
				line := lineAt(data, start)
				var syntax *json.SyntaxError
				if errors.As(err, &syntax) {
					line = lineAt(data, int(syntax.Offset))
				}
				return docs, &DocumentError{Document: len(docs) + 1, Line: line, Err: err}
			}
			// Not JSON after all: YAML from the start, or after the first
			// object, past the spaces up to the end of its line, as kubectl
			// goes on (YAMLOrJSONDecoder.Decode, consumeWhitespace).
			for end < len(data) && (data[end] == ' ' || data[end] == '\t' || data[end] == '\r') {
				end++
			}
			if end < len(data) && data[end] == '\n' {
				end++
			}
			rest, err := splitYAML(data[end:], lineAt(data, end), len(docs)+1)
			return append(docs, rest...), err
		}
		end = int(dec.InputOffset())
		docs = append(docs, document{index: len(docs) + 1, line: lineAt(data, start), data: data[start:end], json: true})
	}
}

// splitYAML splits YAML documents on "---" lines as utilyaml.YAMLReader
// does, noting where each starts. firstLine is the line data starts at,
// firstIndex the index of its first document.
func splitYAML(data []byte, firstLine, firstIndex int) ([]document, error) {
	var (
		docs      []document
		buf       []byte
		bufLine   int
		separator = []byte("---")
	)
	for line := firstLine; len(data) > 0; line++ {
		text, rest, _ := bytes.Cut(data, []byte("\n"))
		data = rest
		text = bytes.TrimSuffix(text, []byte("\r")) // bufio.Reader.ReadLine drops "\r\n"
		if !bytes.HasPrefix(text, separator) {
			if len(buf) == 0 {
				bufLine = line
			}
			buf = append(append(buf, text...), '\n')
			continue
		}
		if after := strings.TrimSpace(string(text[len(separator):])); after != "" && after[0] != '#' {
			index := firstIndex + len(docs) // the document the separator starts
			if len(buf) > 0 {
				index++
			}
			return docs, &DocumentError{Document: index, Line: line,
				Err: fmt.Errorf("invalid Yaml document separator: %s", after)} // kubectl's words
		}
		if len(buf) > 0 {
			docs = append(docs, document{index: firstIndex + len(docs), line: bufLine, data: buf})
			buf = nil
		}
	}
	if len(buf) > 0 {
		docs = append(docs, document{index: firstIndex + len(docs), line: bufLine, data: buf})
	}
	return docs, nil
}

// lineAt is the line, from 1, of the byte at offset.
func lineAt(data []byte, offset int) int {
	return 1 + bytes.Count(data[:min(offset, len(data))], []byte("\n"))
}

// decode converts the document to an object, nil when it holds nothing.
func (d document) decode() (*unstructured.Unstructured, []Warning, error) {
	js := d.data
	var dups []duplicate
	if d.json {
		dups = jsonDuplicates(d.data)
	} else {
		var err error
		if js, err = yaml.YAMLToJSON(d.data); err != nil {
			return nil, nil, d.yamlError(err)
		}
		dups = yamlDuplicates(d.data)
	}
	if t := bytes.TrimSpace(js); len(t) == 0 || bytes.Equal(t, []byte("null")) {
		return nil, nil, nil
	}
	obj := &unstructured.Unstructured{}
	if err := obj.UnmarshalJSON(js); err != nil { // "Object 'Kind' is missing in '...'", as kubectl says
		return nil, nil, &DocumentError{Document: d.index, Line: d.contentLine(), Err: err}
	}
	if obj.GetAPIVersion() == "" {
		return nil, nil, &DocumentError{Document: d.index, Line: d.contentLine(), Err: runtime.NewMissingVersionErr(string(js))}
	}
	warnings := make([]Warning, len(dups))
	for i, dup := range dups {
		warnings[i] = Warning{Document: d.index, Line: d.line + dup.line - 1, Message: dup.message()}
	}
	return obj, warnings, nil
}

// yamlLineError is how go.yaml.in/yaml/v2 starts a parse error.
var yamlLineError = regexp.MustCompile(`(?s)^yaml: line (\d+): (.*)$`)

// yamlError turns the parser's line, counted in the document, into the
// input's.
func (d document) yamlError(err error) error {
	if m := yamlLineError.FindStringSubmatch(err.Error()); m != nil {
		if n, convErr := strconv.Atoi(m[1]); convErr == nil {
			return &DocumentError{Document: d.index, Line: d.line + n - 1, Err: errors.New(m[2])}
		}
	}
	return &DocumentError{Document: d.index, Line: d.contentLine(), Err: err}
}

// contentLine is the input's line of the document's first line that is
// neither blank nor a comment.
func (d document) contentLine() int {
	for i, text := range strings.Split(string(d.data), "\n") {
		if t := strings.TrimSpace(text); t != "" && !strings.HasPrefix(t, "#") {
			return d.line + i
		}
	}
	return d.line
}

// duplicate is a key given again in a mapping.
type duplicate struct {
	key  string
	line int // in the document, from 1
	// tags are the YAML tags of the first and the repeated key when they
	// differ (1 and "1"): kubectl then keeps either value.
	tags [2]string
}

func (d duplicate) message() string {
	if d.tags[0] != d.tags[1] {
		return fmt.Sprintf("duplicate key %q, written once as %s and once as %s: kubectl keeps either value, in no fixed order",
			d.key, d.tags[0], d.tags[1])
	}
	return fmt.Sprintf("duplicate key %q: the last value is used, as kubectl does", d.key)
}

// yamlDuplicates lists the keys given again in the document's mappings, in
// document order. A document go.yaml.in/yaml/v3 cannot parse (kubectl's
// parser, yaml/v2, did) has none.
func yamlDuplicates(data []byte) []duplicate {
	var root yamlv3.Node
	if err := yamlv3.Unmarshal(data, &root); err != nil {
		return nil
	}
	var dups []duplicate
	var walk func(n *yamlv3.Node)
	walk = func(n *yamlv3.Node) {
		switch n.Kind {
		case yamlv3.DocumentNode, yamlv3.SequenceNode:
			for _, c := range n.Content {
				walk(c)
			}
		case yamlv3.MappingNode:
			seen := map[string]*yamlv3.Node{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if k.Kind == yamlv3.ScalarNode && k.ShortTag() != "!!merge" {
					if first, ok := seen[k.Value]; ok {
						dups = append(dups, duplicate{key: k.Value, line: k.Line, tags: [2]string{first.ShortTag(), k.ShortTag()}})
					} else {
						seen[k.Value] = k
					}
				}
				walk(v) // an alias is walked where its anchor is
			}
		}
	}
	walk(&root)
	return dups
}

// jsonDuplicates lists the keys given again in a JSON value's objects, in
// order.
func jsonDuplicates(data []byte) []duplicate {
	var dups []duplicate
	dec := json.NewDecoder(bytes.NewReader(data))
	var walk func() error
	walk = func() error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				tok, err := dec.Token()
				if err != nil {
					return err
				}
				key, _ := tok.(string)
				if seen[key] {
					dups = append(dups, duplicate{key: key, line: lineAt(data, int(dec.InputOffset()))})
				}
				seen[key] = true
				if err := walk(); err != nil {
					return err
				}
			}
			_, err = dec.Token()
		case json.Delim('['):
			for dec.More() {
				if err := walk(); err != nil {
					return err
				}
			}
			_, err = dec.Token()
		}
		return err
	}
	_ = walk() // the value parsed already: no error but a reader's
	return dups
}

// EncodeYAML writes the objects as a YAML stream, "---" between documents.
func EncodeYAML(w io.Writer, objs []*unstructured.Unstructured) error {
	for i, obj := range objs {
		data, err := yaml.Marshal(obj.Object)
		if err != nil {
			return fmt.Errorf("encoding %s: %w", Ref(obj), err)
		}
		if i > 0 {
			if _, err := io.WriteString(w, "---\n"); err != nil {
				return err
			}
		}
		if _, err := w.Write(data); err != nil {
			return err
		}
	}
	return nil
}

// EncodeJSON writes one object as indented JSON, or several as a v1 List,
// as kubectl does.
func EncodeJSON(w io.Writer, objs []*unstructured.Unstructured) error {
	var v any
	if len(objs) == 1 {
		v = objs[0].Object
	} else {
		items := make([]any, len(objs))
		for i, obj := range objs {
			items[i] = obj.Object
		}
		v = map[string]any{"apiVersion": "v1", "kind": "List", "metadata": map[string]any{}, "items": items}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "    ")
	return enc.Encode(v)
}
