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

package podpatch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// Create returns the JSON patch (RFC 6902) that turns original into
// mutated, or nil when nothing changed. original must be what the document
// the patch is for decodes to (a pod, or a pod template's metadata and
// spec as a Pod without kind), mutated the rewrite's output.
//
// The patch must never drop fields this binary's k8s.io/api does not know (an
// API server newer than us, another webhook's additions, a newer manifest):
// that is how webhooks broke native sidecars elsewhere. It is computed from
// the two typed pods alone, so it can only name fields the types know, and it
// edits the document rather than rewriting it:
//   - a struct, map or list that exists on both sides is edited member by
//     member, never replaced whole, so unknown fields inside it stay;
//   - list items are matched by their strategic-merge key (containers, env,
//     volumes by name, ports by containerPort, mounts by mountPath), or, in a
//     list without one (tolerations), by being equal, so removing or
//     inserting an item never moves another item's unknown fields onto its
//     neighbour: unmatched items are removed and added, matched ones are
//     moved into place if they changed position and edited where they are.
//
// Two usual ways get this wrong, and the tests show both: a diff of the
// document against the re-encoded rewrite (gomodules.xyz/jsonpatch, as
// controller-runtime's PatchResponseFromRaw computes it) removes every
// unknown field; the same diff without its "remove" operations
// (controller-runtime's typed Defaulter), or any diff that pairs list items
// by index, moves an unknown field onto the neighbour of a removed or
// inserted env entry.
//
// The one loss left: an item of a keyless list that the rewrite changes is
// replaced, with any unknown field of its own.
func Create(original, mutated *corev1.Pod) ([]byte, error) {
	w := patchWriters.Get().(*patchWriter)
	defer w.release()
	if err := w.diffStruct(reflect.ValueOf(original).Elem(), reflect.ValueOf(mutated).Elem(), podType); err != nil {
		return nil, err
	}
	if w.ops == 0 {
		return nil, nil
	}
	w.buf = append(w.buf, ']')
	return slices.Clone(w.buf), nil
}

// Apply applies a patch from Create to the JSON document doc, as the API
// server applies a mutating webhook's JSON patch (k8s.io/apiserver's
// mutating webhook dispatcher uses the same library, gopkg.in/evanphx/json-patch.v4).
// A nil or empty patch returns doc unchanged.
func Apply(doc, patch []byte) ([]byte, error) {
	if len(patch) == 0 {
		return doc, nil
	}
	ops, err := jsonpatch.DecodePatch(patch)
	if err != nil {
		return nil, fmt.Errorf("decoding the patch: %w", err)
	}
	out, err := ops.Apply(doc)
	if err != nil {
		return nil, fmt.Errorf("applying the patch: %w", err)
	}
	return out, nil
}

// patchWriter writes JSON patch operations into buf while it walks two
// values of the same type; path is the JSON pointer of the walk's position.
type patchWriter struct {
	buf  []byte
	path []byte
	ops  int
	enc  *json.Encoder
}

var patchWriters = sync.Pool{New: func() any {
	w := &patchWriter{}
	w.enc = json.NewEncoder(w)
	w.enc.SetEscapeHTML(false)
	return w
}}

// Write lets the JSON encoder append to the patch.
func (w *patchWriter) Write(b []byte) (int, error) {
	w.buf = append(w.buf, b...)
	return len(b), nil
}

// maxPooledPatch keeps an unusually large patch's buffer out of the pool.
const maxPooledPatch = 1 << 20

func (w *patchWriter) release() {
	if cap(w.buf) > maxPooledPatch {
		w.buf = nil
	}
	w.buf, w.path, w.ops = w.buf[:0], w.path[:0], 0
	patchWriters.Put(w)
}

// push appends a key or index to the path; pop restores the path.
func (w *patchWriter) push(key string) int {
	n := len(w.path)
	w.path = append(w.path, '/')
	for i := 0; i < len(key); i++ {
		switch key[i] { // RFC 6901 escaping
		case '~':
			w.path = append(w.path, '~', '0')
		case '/':
			w.path = append(w.path, '~', '1')
		default:
			w.path = append(w.path, key[i])
		}
	}
	return n
}

func (w *patchWriter) pushIndex(i int) int {
	n := len(w.path)
	w.path = strconv.AppendInt(append(w.path, '/'), int64(i), 10)
	return n
}

func (w *patchWriter) pop(n int) { w.path = w.path[:n] }

// op writes one operation at the current path. value is written for add and
// replace; from is the source of a move.
func (w *patchWriter) op(kind string, value reflect.Value, from []byte) error {
	if w.ops == 0 {
		w.buf = append(w.buf, '[')
	} else {
		w.buf = append(w.buf, ',')
	}
	w.ops++
	w.buf = append(w.buf, `{"op":"`...)
	w.buf = append(w.buf, kind...)
	w.buf = append(w.buf, `","path":`...)
	w.buf = appendJSONString(w.buf, w.path)
	if from != nil {
		w.buf = append(w.buf, `,"from":`...)
		w.buf = appendJSONString(w.buf, from)
	}
	if value.IsValid() {
		w.buf = append(w.buf, `,"value":`...)
		if err := w.enc.Encode(encodable(value)); err != nil {
			return fmt.Errorf("encoding the value at %s: %w", w.path, err)
		}
		w.buf = w.buf[:len(w.buf)-1] // Encode ends with a newline
	}
	w.buf = append(w.buf, '}')
	return nil
}

// encodable is what to hand the JSON encoder for v: its address when it has
// one, so methods with pointer receivers apply as they do for the whole pod.
func encodable(v reflect.Value) any {
	if v.Kind() != reflect.Pointer && v.CanAddr() {
		return v.Addr().Interface()
	}
	return v.Interface()
}

// appendJSONString appends s as a JSON string.
func appendJSONString(dst, s []byte) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		case c < utf8.RuneSelf:
			dst = append(dst, c)
		default:
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, `\ufffd`...)
			} else {
				dst = append(dst, s[i:i+size]...)
			}
			i += size
			continue
		}
		i++
	}
	return append(dst, '"')
}

// set writes the value at the current path: "add" for an object member
// (which replaces a member that is there, and creates one that is not),
// "replace" for a list item (where "add" would insert).
func (w *patchWriter) set(v reflect.Value, inList bool) error {
	if inList {
		return w.op("replace", v, nil)
	}
	return w.op("add", v, nil)
}

// diffValue writes the operations that turn old into new at the current
// path, where the document holds a value (an object member that is present,
// or a list item).
func (w *patchWriter) diffValue(old, new reflect.Value, t *typeInfo, inList bool, key int) error {
	if t.atomic {
		if !reflect.DeepEqual(old.Interface(), new.Interface()) {
			return w.set(new, inList)
		}
		return nil
	}
	// A zero value may be JSON null or {} in the document: replace it whole
	// rather than edit inside it.
	oldZero, newZero := isZero(old), isZero(new)
	if oldZero || newZero {
		if oldZero && newZero {
			return nil
		}
		return w.set(new, inList)
	}
	switch t.kind {
	case reflect.Struct:
		return w.diffStruct(old, new, t)
	case reflect.Pointer:
		// Both set: the document holds an object here (null decodes to
		// nil), even when the struct it decodes to is all zero.
		if t.elem.kind == reflect.Struct && !t.elem.atomic {
			return w.diffStruct(old.Elem(), new.Elem(), t.elem)
		}
		return w.diffValue(old.Elem(), new.Elem(), t.elem, inList, key)
	case reflect.Map:
		return w.diffMap(old, new, t)
	case reflect.Slice:
		return w.diffList(old, new, t, inList, key)
	}
	if !old.Equal(new) {
		return w.set(new, inList)
	}
	return nil
}

// diffStruct edits the members of a struct that is present in the document.
func (w *patchWriter) diffStruct(old, new reflect.Value, t *typeInfo) error {
	for i := range t.fields {
		f := &t.fields[i]
		o, n := old.Field(f.index), new.Field(f.index)
		if f.inline {
			if err := w.diffStruct(o, n, f.info); err != nil {
				return err
			}
			continue
		}
		at := w.push(f.name)
		err := w.diffMember(o, n, f)
		w.pop(at)
		if err != nil {
			return err
		}
	}
	return nil
}

// diffMember edits one member of an object. A member whose old value is
// zero may be missing from the document, so it is set whole ("add" works
// either way); one that is not zero is there, and is edited.
func (w *patchWriter) diffMember(o, n reflect.Value, f *fieldInfo) error {
	oldZero, newZero := isZero(o), isZero(n)
	switch {
	case oldZero && newZero:
		return nil
	case newZero && f.omits(n):
		return w.op("remove", reflect.Value{}, nil)
	case oldZero:
		return w.op("add", n, nil)
	}
	return w.diffValue(o, n, f.info, false, f.key)
}

// diffMap edits a map present in the document, key by key. The pod's maps
// (labels, annotations, node selectors, resource lists) take a typed path;
// any other map a reflective one.
func (w *patchWriter) diffMap(old, new reflect.Value, t *typeInfo) error {
	switch o := old.Interface().(type) {
	case map[string]string:
		return diffMapOf(w, o, new.Interface().(map[string]string), func(a, b string) bool { return a == b })
	case corev1.ResourceList:
		return diffMapOf(w, o, new.Interface().(corev1.ResourceList), func(a, b resource.Quantity) bool { return a.Cmp(b) == 0 })
	}
	keys := make([]string, 0, new.Len()+old.Len())
	for it := new.MapRange(); it.Next(); {
		keys = append(keys, it.Key().String())
	}
	for it := old.MapRange(); it.Next(); {
		if !new.MapIndex(it.Key()).IsValid() {
			keys = append(keys, it.Key().String())
		}
	}
	slices.Sort(keys)
	kt := old.Type().Key()
	for _, k := range keys {
		key := reflect.ValueOf(k).Convert(kt)
		if err := w.diffMapEntry(k, old.MapIndex(key), new.MapIndex(key), t.elem); err != nil {
			return err
		}
	}
	return nil
}

// diffMapOf is diffMap for a map of scalars whose type is known at compile
// time: no reflection per entry. Keys go in sorted order, so the patch is
// the same every time.
func diffMapOf[K ~string, V any](w *patchWriter, old, new map[K]V, equal func(a, b V) bool) error {
	keys := make([]K, 0, len(new)+len(old))
	for k, n := range new {
		if o, ok := old[k]; !ok || !equal(o, n) {
			keys = append(keys, k)
		}
	}
	for k := range old {
		if _, ok := new[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		at := w.push(string(k))
		var err error
		if n, ok := new[k]; ok {
			err = w.op("add", reflect.ValueOf(&n).Elem(), nil)
		} else {
			err = w.op("remove", reflect.Value{}, nil)
		}
		w.pop(at)
		if err != nil {
			return err
		}
	}
	return nil
}

// diffMapEntry writes the change of one map entry: removed (n invalid),
// added (o invalid), or edited.
func (w *patchWriter) diffMapEntry(key string, o, n reflect.Value, t *typeInfo) error {
	at := w.push(key)
	defer w.pop(at)
	switch {
	case !n.IsValid():
		return w.op("remove", reflect.Value{}, nil)
	case !o.IsValid():
		return w.op("add", n, nil)
	}
	return w.diffValue(o, n, t, false, noKey)
}

// diffList edits a list present in the document. A list of scalars is
// replaced whole when it changed (its items cannot hold unknown fields).
// A list of objects is edited item by item: see Create.
func (w *patchWriter) diffList(old, new reflect.Value, t *typeInfo, inList bool, key int) error {
	if t.elem.kind != reflect.Struct || t.elem.atomic {
		if !reflect.DeepEqual(old.Interface(), new.Interface()) {
			return w.set(new, inList)
		}
		return nil
	}
	match := matchItems(old, new, key)
	// Remove the old items nothing matched, last first so the indexes of
	// the others stay valid; cur tracks which old item is where.
	cur := make([]int, 0, max(old.Len(), new.Len()))
	kept := make([]bool, old.Len())
	for _, m := range match {
		if m >= 0 {
			kept[m] = true
		}
	}
	for i := range old.Len() {
		if kept[i] {
			cur = append(cur, i)
		}
	}
	for i := old.Len() - 1; i >= 0; i-- {
		if !kept[i] {
			at := w.pushIndex(i)
			err := w.op("remove", reflect.Value{}, nil)
			w.pop(at)
			if err != nil {
				return err
			}
		}
	}
	// Then build the new list from the front: insert new items, move
	// matched ones into place, and edit those.
	for j, m := range match {
		at := w.pushIndex(j)
		err := w.placeItem(&cur, j, m, old, new, t.elem)
		w.pop(at)
		if err != nil {
			return err
		}
	}
	return nil
}

// placeItem puts item j of the new list at index j of the document, where
// the items before it are already in place.
func (w *patchWriter) placeItem(cur *[]int, j, m int, old, new reflect.Value, t *typeInfo) error {
	if m < 0 {
		*cur = slices.Insert(*cur, j, -1)
		return w.op("add", new.Index(j), nil)
	}
	k := slices.Index((*cur)[j:], m) + j
	if k != j {
		parent := w.path[:bytes.LastIndexByte(w.path, '/')]
		from := strconv.AppendInt(append(slices.Clip(parent), '/'), int64(k), 10)
		if err := w.op("move", reflect.Value{}, from); err != nil {
			return err
		}
		*cur = slices.Insert(slices.Delete(*cur, k, k+1), j, m)
	}
	return w.diffValue(old.Index(m), new.Index(j), t, true, noKey)
}

// matchItems pairs each item of new with an item of old (its index), or -1
// for a new item: by the merge key when the list has one, else by equality.
// Each old item is used once, first come first served, so duplicates pair
// in order.
//
// The old items are put in buckets first, by their merge key or, in a list
// without one, by their JSON encoding (equal items encode the same), and
// each new item looks only in its bucket: time linear in the length of the
// lists, where comparing every pair took time in the product of their
// lengths (a pod with thousands of environment variables).
func matchItems(old, new reflect.Value, key int) []int {
	match := make([]int, new.Len())
	bucketOf := bucketKeys(old, new, key)
	if bucketOf == nil {
		return matchItemsPairwise(old, new, key, match)
	}
	// The unused old items of each bucket, ascending, from head on.
	type bucket struct {
		items []int
		head  int
	}
	buckets := make(map[any]*bucket, old.Len())
	for i := range old.Len() {
		k := bucketOf(old.Index(i))
		if buckets[k] == nil {
			buckets[k] = &bucket{}
		}
		buckets[k].items = append(buckets[k].items, i)
	}
	for j := range new.Len() {
		match[j] = -1
		n := new.Index(j)
		q := buckets[bucketOf(n)]
		if q == nil {
			continue
		}
		for at := q.head; at < len(q.items); at++ {
			// Within a bucket merge keys are equal; items of a list without
			// one encode the same, and match when DeepEqual says so.
			i := q.items[at]
			if key != noKey || reflect.DeepEqual(old.Index(i).Interface(), n.Interface()) {
				match[j] = i
				if at == q.head {
					q.head++
				} else {
					q.items = slices.Delete(q.items, at, at+1)
				}
				break
			}
		}
	}
	return match
}

// bucketKeys returns the function that gives an item its bucket in
// matchItems, or nil when the items cannot be put in buckets (a merge key
// of a type that is not comparable, an item that does not encode).
func bucketKeys(old, new reflect.Value, key int) func(reflect.Value) any {
	if key != noKey {
		if !old.Type().Elem().Field(key).Type.Comparable() {
			return nil
		}
		return func(v reflect.Value) any { return v.Field(key).Interface() }
	}
	for _, l := range []reflect.Value{old, new} {
		for i := range l.Len() {
			if _, err := json.Marshal(encodable(l.Index(i))); err != nil {
				return nil
			}
		}
	}
	return func(v reflect.Value) any {
		b, _ := json.Marshal(encodable(v))
		return string(b)
	}
}

// matchItemsPairwise is matchItems comparing every pair, for items that
// cannot be put in buckets.
func matchItemsPairwise(old, new reflect.Value, key int, match []int) []int {
	used := make([]bool, old.Len())
	for j := range new.Len() {
		match[j] = -1
		n := new.Index(j)
		for i := range old.Len() {
			if used[i] {
				continue
			}
			o := old.Index(i)
			same := false
			if key != noKey {
				same = o.Field(key).Equal(n.Field(key))
			} else {
				same = reflect.DeepEqual(o.Interface(), n.Interface())
			}
			if same {
				match[j], used[i] = i, true
				break
			}
		}
	}
	return match
}

// isZero reports whether v is its type's zero value or an empty list or
// map: what the document may hold as null, {}, [] or nothing.
func isZero(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	}
	return v.IsZero()
}

// typeInfo is what the walk needs to know of a Go type. The graph of them
// for a Pod is built once, so the walk needs no lookups.
type typeInfo struct {
	kind reflect.Kind
	// atomic types encode themselves (Quantity, IntOrString, Time, ...):
	// they are compared and set whole.
	atomic bool
	fields []fieldInfo // of a struct
	elem   *typeInfo   // of a pointer, slice or map
}

// fieldInfo is a struct field as JSON sees it.
type fieldInfo struct {
	index     int
	name      string // JSON member name
	omitEmpty bool   // omitempty: encoding/json leaves out empty values (not structs)
	omitZero  bool   // omitzero: encoding/json leaves out zero values
	inline    bool   // embedded without a name: its members are the parent's
	info      *typeInfo
	// key is, for a list of structs with a strategic-merge key
	// (patchMergeKey), the index of the key field in the item; else noKey.
	key int
}

// noKey: the list has no merge key; items are matched by equality.
const noKey = -1

// omits reports whether encoding/json leaves the zero value v out.
func (f *fieldInfo) omits(v reflect.Value) bool {
	return f.omitZero || (f.omitEmpty && v.Kind() != reflect.Struct)
}

// podType is the walk's view of corev1.Pod.
var podType = buildTypeInfo(reflect.TypeFor[corev1.Pod](), map[reflect.Type]*typeInfo{})

var marshalerType = reflect.TypeFor[json.Marshaler]()

// buildTypeInfo describes t and every type reachable from it (seen breaks
// cycles).
func buildTypeInfo(t reflect.Type, seen map[reflect.Type]*typeInfo) *typeInfo {
	if info, ok := seen[t]; ok {
		return info
	}
	info := &typeInfo{kind: t.Kind(), atomic: t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType)}
	seen[t] = info
	switch {
	case info.atomic:
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		info.atomic = true // []byte encodes as base64
	case t.Kind() == reflect.Struct:
		info.fields = structFields(t, seen)
	case t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map:
		info.elem = buildTypeInfo(t.Elem(), seen)
	}
	return info
}

func structFields(t reflect.Type, seen map[reflect.Type]*typeInfo) []fieldInfo {
	var fields []fieldInfo
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" || (!sf.IsExported() && !sf.Anonymous) {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		f := fieldInfo{index: i, name: name, key: noKey, info: buildTypeInfo(sf.Type, seen)}
		for opt := range strings.SplitSeq(opts, ",") {
			f.omitEmpty = f.omitEmpty || opt == "omitempty"
			f.omitZero = f.omitZero || opt == "omitzero"
		}
		if name == "" {
			if sf.Anonymous && sf.Type.Kind() == reflect.Struct {
				f.inline = true
			} else {
				f.name = sf.Name
			}
		}
		if mk := sf.Tag.Get("patchMergeKey"); mk != "" && sf.Type.Kind() == reflect.Slice && sf.Type.Elem().Kind() == reflect.Struct {
			f.key = jsonFieldIndex(sf.Type.Elem(), mk)
		}
		fields = append(fields, f)
	}
	return fields
}

// jsonFieldIndex is the index of t's field named name in JSON, or noKey.
func jsonFieldIndex(t reflect.Type, name string) int {
	for i := range t.NumField() {
		if n, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); n == name {
			return i
		}
	}
	return noKey
}
