#include "tako/engine/event.h"

#include <gtest/gtest.h>

namespace tako::engine {
namespace {

Event sample() {
  Event e;
  e.type = "lib_built";
  e.schema_version = "1.2.0";
  e.source = "acme/lib";
  e.artifact = "lib";
  e.payload = {{"version", "1.4.0"}, {"services", "api,web"}};
  return e;
}

TEST(EventId, SameEventInSameTreeHasSameId) {
  EXPECT_EQ(make_event_id("exec-1", sample()), make_event_id("exec-1", sample()));
  EXPECT_EQ(make_event_id("exec-1", sample()).size(), 64u);
}

TEST(EventId, PayloadKeyOrderDoesNotMatter) {
  Event a = sample();
  Event b = sample();
  b.payload = nlohmann::json::parse(R"({"services": "api,web", "version": "1.4.0"})");
  EXPECT_EQ(make_event_id("exec-1", a), make_event_id("exec-1", b));
}

TEST(EventId, EveryFieldTakesPart) {
  const std::string base = make_event_id("exec-1", sample());
  EXPECT_NE(make_event_id("exec-2", sample()), base);
  Event e = sample();
  e.source = "acme/other";
  EXPECT_NE(make_event_id("exec-1", e), base);
  e = sample();
  e.type = "lib_built2";
  EXPECT_NE(make_event_id("exec-1", e), base);
  e = sample();
  e.schema_version = "1.2.1";
  EXPECT_NE(make_event_id("exec-1", e), base);
  e = sample();
  e.payload["version"] = "1.4.1";
  EXPECT_NE(make_event_id("exec-1", e), base);
}

TEST(EventId, FieldBoundariesAreUnambiguous) {
  Event a = sample();
  a.source = "acme/lib";
  a.type = "x";
  Event b = sample();
  b.source = "acme/libx";
  b.type = "";
  EXPECT_NE(make_event_id("r", a), make_event_id("r", b));
}

TEST(Event, JsonRoundTrip) {
  Event e = sample();
  e.id = "abc";
  Event back = Event::from_json(e.to_json());
  EXPECT_EQ(back.to_json(), e.to_json());
}

}  // namespace
}  // namespace tako::engine
