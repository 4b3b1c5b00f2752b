package provider

import (
	"context"
	"fmt"
	"reflect"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// The framework's Get and Set of a model struct read the struct's tfsdk tags on every call,
// and check each tag with a regular expression compiled for the purpose, per field, per
// call (terraform-plugin-framework v1.19, internal/reflect.getStructTags): with twenty-odd
// fields that was the largest share of the provider's own CPU in a plan or update of many
// tokens. getModel and setModel move whole resource models through a types.Object instead,
// whose attributes are the model's field values as they are, with the field list read once
// per model type. The nested values (limits, notifications, permissions) are attr.Values in
// the models; mapping them to and from the API still uses the framework's reflection, but
// only for tokens that have them.

// modelGetter is tfsdk.Config, tfsdk.Plan or tfsdk.State.
type modelGetter interface {
	Get(ctx context.Context, target any) diag.Diagnostics
}

// modelSetter is *tfsdk.Plan, *tfsdk.State or *tfsdk.EphemeralResultData; schema is its Schema.
type modelSetter interface {
	Set(ctx context.Context, val any) diag.Diagnostics
}

// typed is a schema: its Type is the object type of the whole value.
type typed interface {
	Type() attr.Type
}

// modelField is one tfsdk-tagged field of a model struct.
type modelField struct {
	name  string
	index []int
	typ   reflect.Type
}

var modelFieldCache sync.Map // reflect.Type → fieldList

type fieldList struct {
	fields []modelField
	err    error
}

// fieldsOf lists the tagged fields of the struct type t, those of embedded untagged structs
// included, with the framework's rules: unexported untagged fields are skipped, and an
// exported field without a tag, a tagged unexported field, an embedded pointer or a tag used
// twice is an error.
func fieldsOf(t reflect.Type) ([]modelField, error) {
	if f, ok := modelFieldCache.Load(t); ok {
		l := f.(fieldList)
		return l.fields, l.err
	}
	var fields []modelField
	seen := map[string]bool{}
	var walk func(t reflect.Type, prefix []int) error
	walk = func(t reflect.Type, prefix []int) error {
		for i := range t.NumField() {
			sf := t.Field(i)
			index := append(append([]int(nil), prefix...), i)
			tag, tagged := sf.Tag.Lookup("tfsdk")
			switch {
			case tag == "-":
			case !tagged && sf.Anonymous && sf.Type.Kind() == reflect.Struct:
				if err := walk(sf.Type, index); err != nil {
					return err
				}
			case !tagged && sf.Anonymous:
				return fmt.Errorf("embedded field %s of %s is not a struct", sf.Name, t)
			case !tagged && sf.IsExported():
				return fmt.Errorf("field %s of %s has no tfsdk tag", sf.Name, t)
			case !tagged:
			case !sf.IsExported():
				return fmt.Errorf("field %s of %s is tagged but unexported", sf.Name, t)
			case seen[tag]:
				return fmt.Errorf("tag %q is used twice in %s", tag, t)
			default:
				seen[tag] = true
				fields = append(fields, modelField{name: tag, index: index, typ: sf.Type})
			}
		}
		return nil
	}
	err := walk(t, nil)
	modelFieldCache.Store(t, fieldList{fields, err})
	return fields, err
}

// bugDiag is the diagnostic of a model that does not fit its schema.
func bugDiag(detail string) diag.Diagnostics {
	var d diag.Diagnostics
	d.AddError("Provider Error", detail+" This is a bug in the provider: please report it.")
	return d
}

// getModel reads the whole value of src into the model struct *out.
func getModel(ctx context.Context, src modelGetter, out any) diag.Diagnostics {
	var obj types.Object
	diags := src.Get(ctx, &obj)
	if diags.HasError() {
		return diags
	}
	if obj.IsNull() || obj.IsUnknown() {
		diags.AddError("Provider Error", "The value to decode is null or unknown. This is a bug in the provider: please report it.")
		return diags
	}
	attrs := obj.Attributes()
	v := reflect.ValueOf(out).Elem()
	fields, err := fieldsOf(v.Type())
	if err != nil {
		return append(diags, bugDiag("The "+v.Type().String()+" model cannot be decoded: "+err.Error()+".")...)
	}
	// No tag is used twice, so equal counts and every field found make the same set.
	if len(fields) != len(attrs) {
		diags.AddError("Provider Error", fmt.Sprintf("The %s model has %d attributes and the schema %d. This is a bug in the provider: please report it.",
			v.Type(), len(fields), len(attrs)))
		return diags
	}
	for _, f := range fields {
		a, ok := attrs[f.name]
		av := reflect.ValueOf(a)
		if !ok || a == nil || av.Type() != f.typ {
			diags.AddError("Provider Error", fmt.Sprintf("The schema's attribute %q does not fit field %s of the %s model. This is a bug in the provider: please report it.",
				f.name, f.typ, v.Type()))
			return diags
		}
		v.FieldByIndex(f.index).Set(av)
	}
	return diags
}

// setModel writes the model struct *in as the whole value of dst, whose schema is schema.
func setModel(ctx context.Context, dst modelSetter, schema typed, in any) diag.Diagnostics {
	var diags diag.Diagnostics
	ot, ok := schema.Type().(attr.TypeWithAttributeTypes)
	if !ok {
		diags.AddError("Provider Error", "The schema is not an object type. This is a bug in the provider: please report it.")
		return diags
	}
	v := reflect.ValueOf(in).Elem()
	fields, err := fieldsOf(v.Type())
	if err != nil {
		return append(diags, bugDiag("The "+v.Type().String()+" model cannot be encoded: "+err.Error()+".")...)
	}
	attrs := make(map[string]attr.Value, len(fields))
	for _, f := range fields {
		a, ok := v.FieldByIndex(f.index).Interface().(attr.Value)
		if !ok {
			diags.AddError("Provider Error", fmt.Sprintf("Field %q of the %s model is not an attribute value. This is a bug in the provider: please report it.", f.name, v.Type()))
			return diags
		}
		attrs[f.name] = a
	}
	obj, d := basetypes.NewObjectValue(ot.AttributeTypes(), attrs)
	diags.Append(d...)
	if diags.HasError() {
		return diags
	}
	diags.Append(dst.Set(ctx, obj)...)
	return diags
}
