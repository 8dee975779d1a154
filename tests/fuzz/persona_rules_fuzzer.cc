// Fuzz target: the persona rules file (TOML text, models/personas.toml format).
// ParsePersonaRules must either return rules that pass Validate() or throw ConfigError; the
// returned rules then name a few synthetic segments without failing.
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "segcast/error.h"
#include "segcast/personas.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(segcast::fuzz::AsText(data, size));
  segcast::PersonaRules rules;
  try {
    rules = segcast::ParsePersonaRules(text, "fuzz.toml");
  } catch (const segcast::ConfigError&) {
    return 0;  // syntax error, unknown key, bad value: a documented refusal
  }
  try {
    rules.Validate();
  } catch (const segcast::InvalidArgument&) {
    segcast::fuzz::Fail("ParsePersonaRules returned rules that Validate() refuses");
  }
  // Three segments with different levels and trends, so every kind of condition is evaluated.
  std::vector<segcast::SegmentProfile> profiles(3);
  for (int segment = 0; segment < 3; ++segment) {
    segcast::SegmentProfile& profile = profiles[static_cast<size_t>(segment)];
    profile.segment_id = segment;
    profile.customers = 10 + segment;
    profile.revenue = 100.0 * (segment + 1);
    profile.mean = {30.0 * (segment + 1), 200.0 / (segment + 1), 0.5 * (segment + 1), 40.0 * segment};
    for (int month = 0; month < 6; ++month) {
      const double step = (segment - 1) * month;
      profile.trajectory.push_back({30.0 + month, 50.0 + 10 * step, 1.0 + step / 10, 20.0 + step});
    }
  }
  segcast::PopulationProfile population;
  population.mean = {60.0, 100.0, 1.0, 40.0};
  population.customers = 33;
  population.revenue = 600.0;
  std::vector<segcast::Persona> personas = segcast::AssignPersonas(profiles, population, rules);
  if (personas.size() != profiles.size()) segcast::fuzz::Fail("AssignPersonas: one persona per profile");
  for (size_t first = 0; first < personas.size(); ++first) {
    if (personas[first].name.empty()) segcast::fuzz::Fail("AssignPersonas: empty persona name");
    for (size_t second = first + 1; second < personas.size(); ++second) {
      if (personas[first].name == personas[second].name) segcast::fuzz::Fail("AssignPersonas: duplicate names");
    }
  }
  return 0;
}
