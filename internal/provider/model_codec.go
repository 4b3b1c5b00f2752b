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
// tokens. getModel and setModel move whole models through a types.Object instead, whose
// attributes are the model's field values as they are, with the field list read once per
// model type. Nested values (limits, notifications, permissions) stay attr.Values in the
// models, so no struct reflection is left on these paths.

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

var modelFieldCache sync.Map // reflect.Type → []modelField

// fieldsOf lists the tagged fields of the struct type t, those of embedded untagged structs
// included, as the framework reads them.
func fieldsOf(t reflect.Type) []modelField {
	if f, ok := modelFieldCache.Load(t); ok {
		return f.([]modelField)
	}
	var fields []modelField
	var walk func(t reflect.Type, prefix []int)
	walk = func(t reflect.Type, prefix []int) {
		for i := range t.NumField() {
			sf := t.Field(i)
			index := append(append([]int(nil), prefix...), i)
			tag, ok := sf.Tag.Lookup("tfsdk")
			switch {
			case !ok && sf.Anonymous && sf.Type.Kind() == reflect.Struct:
				walk(sf.Type, index)
			case ok && tag != "-":
				fields = append(fields, modelField{name: tag, index: index, typ: sf.Type})
			}
		}
	}
	walk(t, nil)
	modelFieldCache.Store(t, fields)
	return fields
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
	fields := fieldsOf(v.Type())
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
	fields := fieldsOf(v.Type())
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
