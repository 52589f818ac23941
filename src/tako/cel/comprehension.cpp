// The comprehension macros (all, exists, exists_one, map, filter, transformList,
// transformMap, transformMapEntry): one loop over a list's items or a map's keys, with the
// loop variables in the evaluation's local slots (resolved by Program).

#include "tako/cel/eval.h"
#include "tako/cel/split_range.h"

namespace tako::cel {

namespace {

Value bool_result(const Node& body, const Value& v, bool* out) {
  if (v.is_bool()) {
    *out = v.as_bool();
    return Value();
  }
  if (v.is_error()) return v;
  return error_at(body, std::string("no matching overload: predicate returned '") +
                            kind_name(v.kind()) + "', expected bool");
}

}  // namespace

Value eval_comprehension(EvalCtx& ctx, const Node& n, const Value* member_of) {
  SplitRange split;
  Value range = eval_range(ctx, *n.args[0], split);
  if (range.is_error()) return range;
  const Node& body = *n.args[1];
  const Node* filter = n.has_filter ? n.args[2].get() : nullptr;
  const bool two = n.slot2 >= 0;
  size_t count;
  const std::vector<Value>* list = nullptr;
  const MapData* map = nullptr;
  if (split.active()) {
    count = split.pieces().count();
  } else if (range.is_list()) {
    list = &range.as_list();
    count = list->size();
  } else if (range.is_map()) {
    map = &range.as_map();
    count = map->entries.size();
  } else {
    return error_at(n, std::string("no matching overload: ") + n.name + "() cannot iterate over '" +
                           kind_name(range.kind()) + "'");
  }
  Value* v1 = &ctx.locals[n.slot];
  Value* v2 = two ? &ctx.locals[n.slot2] : nullptr;
  // A range list that nobody else holds (the result of split(), say) gives its items up
  // instead of sharing them with the loop variable.
  std::vector<Value>* own_items = range.unique_items();
  // A split's pieces go into a string the loop already has when nobody else holds it: the
  // variable's previous value, or `spare`, a result the loop was done with (map() under `in`).
  Value spare;
  auto bind_piece = [&](Value* var) {
    const std::string_view piece = split.pieces().next();
    if (std::string* text = var->unique_text()) {
      text->assign(piece);
    } else if (std::string* spare_text = spare.unique_text()) {
      spare_text->assign(piece);
      *var = std::move(spare);
    } else {
      *var = Value::string(std::string(piece));
    }
  };
  auto bind = [&](size_t i) {
    if (split.active()) {
      if (two) *v1 = Value::integer(static_cast<std::int64_t>(i));
      bind_piece(two ? v2 : v1);
    } else if (list != nullptr) {
      if (two) {
        *v1 = Value::integer(static_cast<std::int64_t>(i));
        *v2 = (*list)[i];
      } else if (own_items != nullptr) {
        *v1 = std::move((*own_items)[i]);
      } else {
        *v1 = (*list)[i];
      }
    } else {
      *v1 = map->entries[i].first;
      if (two) *v2 = map->entries[i].second;
    }
  };

  // The filter of map(x, f, t) and the transforms, for the item just bound: false to skip the
  // item, or when the filter fails (`error` says why).
  auto passes_filter = [&](Value& error) {
    if (filter == nullptr) return true;
    bool keep = false;
    error = bool_result(*filter, eval_node(ctx, *filter), &keep);
    return keep && !error.is_error();
  };

  switch (n.macro) {
    case MacroKind::kAll:
    case MacroKind::kExists: {
      const bool stop_on = n.macro == MacroKind::kExists;  // exists stops on true, all on false
      Value first_error;
      for (size_t i = 0; i < count; ++i) {
        charge(ctx, 1, n);
        bind(i);
        Value r = eval_node(ctx, body);
        bool b = false;
        Value err = bool_result(body, r, &b);
        if (err.is_error()) {
          if (!first_error.is_error()) first_error = err;
          continue;
        }
        if (b == stop_on) return Value::boolean(stop_on);
      }
      if (first_error.is_error()) return first_error;
      return Value::boolean(!stop_on);
    }
    case MacroKind::kExistsOne: {
      std::int64_t hits = 0;
      for (size_t i = 0; i < count; ++i) {
        charge(ctx, 1, n);
        bind(i);
        Value r = eval_node(ctx, body);
        bool b = false;
        Value err = bool_result(body, r, &b);
        if (err.is_error()) return err;
        if (b) ++hits;
      }
      return Value::boolean(hits == 1);
    }
    case MacroKind::kMap:
    case MacroKind::kFilter:
    case MacroKind::kTransformList: {
      std::vector<Value> out;
      bool found = false;
      if (member_of == nullptr) out.reserve(count);
      for (size_t i = 0; i < count; ++i) {
        charge(ctx, 1, n);
        bind(i);
        if (Value err; !passes_filter(err)) {
          if (err.is_error()) return err;
          continue;
        }
        Value r = eval_node(ctx, body);
        if (n.macro == MacroKind::kFilter) {
          bool keep = false;
          Value err = bool_result(body, r, &keep);
          if (err.is_error()) return err;
          if (keep) out.push_back(*v1);
          continue;
        }
        if (r.is_error()) return r;
        if (member_of != nullptr) {
          charge(ctx, 1, n);  // what `in` charges per item of a list
          found = found || values_equal(*member_of, r);
          if (split.active()) spare = std::move(r);
          continue;
        }
        out.push_back(std::move(r));
      }
      if (member_of != nullptr) return Value::boolean(found);
      return Value::list(std::move(out));
    }
    case MacroKind::kTransformMap:
    case MacroKind::kTransformMapEntry: {
      std::vector<std::pair<Value, Value>> out;
      out.reserve(count);
      for (size_t i = 0; i < count; ++i) {
        charge(ctx, 1, n);
        bind(i);
        if (Value err; !passes_filter(err)) {
          if (err.is_error()) return err;
          continue;
        }
        Value r = eval_node(ctx, body);
        if (r.is_error()) return r;
        if (n.macro == MacroKind::kTransformMap) {
          out.emplace_back(*v1, std::move(r));
          continue;
        }
        if (!r.is_map()) {
          return error_at(body, std::string("transformMapEntry() needs a map result, got '") +
                                    kind_name(r.kind()) + "'");
        }
        for (const auto& e : r.as_map().entries) {
          charge(ctx, 1 + out.size() / 8, n);  // the repeated-key check is quadratic
          for (const auto& have : out) {
            if (values_equal(have.first, e.first)) {
              return error_at(body, "transformMapEntry(): repeated key " + key_text(e.first));
            }
          }
          out.push_back(e);
        }
      }
      return Value::map(std::move(out));
    }
  }
  return error_at(n, "unknown macro");
}

}  // namespace tako::cel
