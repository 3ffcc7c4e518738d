// Reads LIBERO's BDDL dialect into a BddlTask: sexpr.h turns the text into a
// tree with line numbers, and BddlReader walks that tree section by section.
//
// What the dialect allows follows LIBERO's parser (libero/envs/bddl_utils.py,
// robosuite_parse_problem) and the 40 task files of the four LIBERO suites.
// Where LIBERO is silent or lenient we are strict, because a typo in a task
// file should stop a run before it starts:
//  - an unknown section or region attribute is an error (LIBERO prints or
//    raises NotImplementedError);
//  - names without a "- category" are an error (LIBERO files them under a
//    category "object" that has no asset);
//  - every atom argument and object of interest must be a declared fixture,
//    object or region (LIBERO finds out only when the scene is built);
//  - the goal must be a conjunction of atoms (LIBERO checks nothing else).
// Regions may target names that are not declared (every libero_goal file keeps
// two such regions for a bowl_drainer_1 it never places); such a region cannot
// have a site, so referring to it is the error.
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

#include "envs/tabletop/bddl_task.h"
#include "envs/tabletop/sexpr.h"

namespace gauntlet::envs::tabletop {

const BddlRegion* BddlTask::FindRegion(const std::string& full_name) const {
  for (const BddlRegion& region : regions) {
    if (region.full_name() == full_name) return &region;
  }
  return nullptr;
}

const BddlInstance* BddlTask::FindInstance(const std::string& name) const {
  for (const auto* list : {&fixtures, &objects}) {
    for (const BddlInstance& instance : *list) {
      if (instance.name == name) return &instance;
    }
  }
  return nullptr;
}

namespace {

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// A compact rendering of a node for messages, cut after about 60 characters.
std::string Show(const Sexpr& node) {
  if (node.is_symbol()) return node.symbol;
  std::string out = "(";
  for (size_t i = 0; i < node.items.size(); ++i) {
    if (i > 0) out += ' ';
    out += Show(node.items[i]);
    if (out.size() > 60) return out.substr(0, 60) + " ...)";
  }
  return out + ")";
}

// The lower-cased first symbol of a list, e.g. ":target" for (:target main_table);
// "" for anything else. Keywords (define, problem, sections, attributes, And)
// therefore match in any case.
std::string HeadOf(const Sexpr& node) {
  if (!node.is_list || node.items.empty() || !node.items[0].is_symbol()) return "";
  return Lower(node.items[0].symbol);
}

// Walks the tree of one file into a BddlTask. Single use: Read() moves the task out.
class BddlReader {
 public:
  explicit BddlReader(const std::string& source) { task_.source = source; }

  Result<BddlTask> Read(const Sexpr& root);

 private:
  using SectionReader = Status (BddlReader::*)(const Sexpr&);
  struct SectionRule {
    const char* keyword;
    SectionReader read;
    bool required;
  };
  static const SectionRule kSections[];

  Error Fail(int line, const std::string& what) const {
    return Error{task_.source + ":" + std::to_string(line) + ": " + what};
  }

  Status ReadProblem(const Sexpr& section);
  Status ReadDomain(const Sexpr& section);
  Status SkipSection(const Sexpr& section) { return Status::Ok(); }
  Status ReadLanguage(const Sexpr& section);
  Status ReadRegions(const Sexpr& section);
  Status ReadRegion(const Sexpr& node);
  Status ReadFixtures(const Sexpr& section) { return ReadInstances(section, &task_.fixtures); }
  Status ReadObjects(const Sexpr& section) { return ReadInstances(section, &task_.objects); }
  Status ReadInstances(const Sexpr& section, std::vector<BddlInstance>* out);
  Status ReadObjectsOfInterest(const Sexpr& section);
  Status ReadInit(const Sexpr& section);
  Status ReadGoal(const Sexpr& section);
  Result<BddlAtom> ReadAtom(const Sexpr& node, const std::string& what) const;
  Result<double> ReadNumber(const Sexpr& node) const;
  template <size_t N>
  Result<std::array<double, N>> ReadRow(const Sexpr& node, const std::string& what) const;
  template <size_t N>
  Status ReadRows(const Sexpr& attribute, const std::string& what,
                  std::vector<std::array<double, N>>* rows) const;
  Status CheckDeclarations() const;
  Status CheckReference(const std::string& name, int line, const std::string& where) const;

  BddlTask task_;
  std::vector<int> interest_lines_;  // line of each task_.objects_of_interest entry
};

// Sections in the order LIBERO files write them. :requirements is PDDL's; LIBERO
// reads and ignores it, and so do we. LIBERO also names :scene_properties, but
// its reader for it fails on any content, so no working file can use it: here
// it is an unknown section.
const BddlReader::SectionRule BddlReader::kSections[] = {
    {"problem", &BddlReader::ReadProblem, true},
    {":domain", &BddlReader::ReadDomain, false},
    {":requirements", &BddlReader::SkipSection, false},
    {":language", &BddlReader::ReadLanguage, false},
    {":regions", &BddlReader::ReadRegions, false},
    {":fixtures", &BddlReader::ReadFixtures, false},
    {":objects", &BddlReader::ReadObjects, false},
    {":obj_of_interest", &BddlReader::ReadObjectsOfInterest, false},
    {":init", &BddlReader::ReadInit, false},
    {":goal", &BddlReader::ReadGoal, true},
};

Result<BddlTask> BddlReader::Read(const Sexpr& root) {
  if (HeadOf(root) != "define") {
    return Fail(root.line, "expected (define (problem <name>) ...), got " + Show(root));
  }
  std::map<std::string, int> seen;  // section keyword -> line of its first occurrence
  for (size_t i = 1; i < root.items.size(); ++i) {
    const Sexpr& section = root.items[i];
    const std::string keyword = HeadOf(section);
    if (keyword.empty()) {
      return Fail(section.line, "expected a section such as (:objects ...), got " + Show(section));
    }
    const SectionRule* rule = nullptr;
    for (const SectionRule& candidate : kSections) {
      if (keyword == candidate.keyword) rule = &candidate;
    }
    if (rule == nullptr) {
      std::string known;
      for (const SectionRule& candidate : kSections) known += std::string(" ") + candidate.keyword;
      return Fail(section.line, "unknown section (" + section.items[0].symbol +
                                    " ...); known sections:" + known);
    }
    if (auto [it, inserted] = seen.emplace(keyword, section.line); !inserted) {
      return Fail(section.line, "section (" + keyword + " ...) given twice (first at line " +
                                    std::to_string(it->second) + ")");
    }
    if (Status status = (this->*rule->read)(section); !status.ok()) return Error{status.message()};
  }
  for (const SectionRule& rule : kSections) {
    if (rule.required && seen.count(rule.keyword) == 0) {
      return Fail(root.line, std::string("missing section (") + rule.keyword + " ...)");
    }
  }
  if (Status status = CheckDeclarations(); !status.ok()) return Error{status.message()};
  return std::move(task_);
}

Status BddlReader::ReadProblem(const Sexpr& section) {
  if (section.items.size() != 2 || !section.items[1].is_symbol()) {
    return Fail(section.line, "expected (problem <class>), got " + Show(section));
  }
  task_.problem_class = section.items[1].symbol;
  return Status::Ok();
}

Status BddlReader::ReadDomain(const Sexpr& section) {
  if (section.items.size() != 2 || section.items[1].symbol != "robosuite") {
    return Fail(section.line, "expected (:domain robosuite), the only domain of LIBERO's dialect; got " +
                                  Show(section));
  }
  return Status::Ok();
}

// The instruction is the words as written, joined by single spaces.
Status BddlReader::ReadLanguage(const Sexpr& section) {
  std::string language;
  for (size_t i = 1; i < section.items.size(); ++i) {
    const Sexpr& word = section.items[i];
    if (!word.is_symbol()) {
      return Fail(word.line, "(:language ...) holds plain words, not lists: " + Show(word));
    }
    if (!language.empty()) language += ' ';
    language += word.symbol;
  }
  task_.language = std::move(language);
  return Status::Ok();
}

Status BddlReader::ReadRegions(const Sexpr& section) {
  for (size_t i = 1; i < section.items.size(); ++i) {
    if (Status status = ReadRegion(section.items[i]); !status.ok()) return status;
  }
  return Status::Ok();
}

// (name (:target t) [(:ranges ((x0 y0 x1 y1) ...))] [(:yaw_rotation ((lo hi) ...))] [(:rgba (r g b a))])
Status BddlReader::ReadRegion(const Sexpr& node) {
  if (!node.is_list || node.items.empty() || !node.items[0].is_symbol()) {
    return Fail(node.line, "expected a region like (plate_region (:target main_table) ...), got " +
                               Show(node));
  }
  BddlRegion region;
  region.name = node.items[0].symbol;
  region.line = node.line;
  const std::string in_region = " in region '" + region.name + "'";
  std::map<std::string, int> seen;
  for (size_t i = 1; i < node.items.size(); ++i) {
    const Sexpr& attribute = node.items[i];
    const std::string key = HeadOf(attribute);
    if (key.empty()) {
      return Fail(attribute.line, "expected an attribute such as (:target ...)" + in_region + ", got " +
                                      Show(attribute));
    }
    if (auto [it, inserted] = seen.emplace(key, attribute.line); !inserted) {
      return Fail(attribute.line, "(" + key + " ...) given twice" + in_region + " (first at line " +
                                      std::to_string(it->second) + ")");
    }
    Status status;
    if (key == ":target") {
      if (attribute.items.size() != 2 || !attribute.items[1].is_symbol()) {
        return Fail(attribute.line, "expected (:target <fixture or object>)" + in_region);
      }
      region.target = attribute.items[1].symbol;
    } else if (key == ":ranges") {
      status = ReadRows<4>(attribute, "a range (x_min y_min x_max y_max)", &region.ranges);
    } else if (key == ":yaw_rotation") {
      status = ReadRows<2>(attribute, "a yaw rotation (lo hi)", &region.yaw_rotations);
    } else if (key == ":rgba") {
      // Only the colour of the region's marker site in LIBERO; nothing in
      // evaluation depends on it, so it is checked and not kept.
      if (attribute.items.size() != 2) {
        return Fail(attribute.line, "expected (:rgba (r g b a))" + in_region);
      }
      Result<std::array<double, 4>> rgba = ReadRow<4>(attribute.items[1], "a colour (r g b a)");
      if (!rgba.ok()) return rgba.error();
    } else {
      return Fail(attribute.line, "unknown region attribute (" + attribute.items[0].symbol + " ...)" +
                                      in_region + "; known: :target :ranges :yaw_rotation :rgba");
    }
    if (!status.ok()) return status;
  }
  if (region.target.empty()) return Fail(node.line, "region '" + region.name + "' has no (:target ...)");
  task_.regions.push_back(std::move(region));
  return Status::Ok();
}

Result<double> BddlReader::ReadNumber(const Sexpr& node) const {
  if (node.is_symbol()) {
    // from_chars, unlike strtod, ignores the C locale's decimal separator.
    const char* begin = node.symbol.data();
    const char* end = begin + node.symbol.size();
    double value = 0;
    auto [stop, error] = std::from_chars(begin, end, value);
    if (error == std::errc() && stop == end) return value;
  }
  return Fail(node.line, "expected a number, got '" + Show(node) + "'");
}

// A row of N numbers, e.g. (0.05 0.19 0.07 0.21).
template <size_t N>
Result<std::array<double, N>> BddlReader::ReadRow(const Sexpr& node, const std::string& what) const {
  if (!node.is_list || node.items.size() != N) {
    return Fail(node.line, what + " needs " + std::to_string(N) + " numbers, got " + Show(node));
  }
  std::array<double, N> row{};
  for (size_t k = 0; k < N; ++k) {
    Result<double> value = ReadNumber(node.items[k]);
    if (!value.ok()) return value.error();
    row[k] = value.value();
  }
  return row;
}

// (:key (row row ...)). Ranges and yaw rotations both list their lower bounds
// before their upper bounds, so the first half of a row must not exceed the second.
template <size_t N>
Status BddlReader::ReadRows(const Sexpr& attribute, const std::string& what,
                            std::vector<std::array<double, N>>* rows) const {
  const std::string key = attribute.items[0].symbol;
  if (attribute.items.size() != 2 || !attribute.items[1].is_list || attribute.items[1].items.empty()) {
    return Fail(attribute.line, "expected (" + key + " (row ...)) with at least one row of " +
                                    std::to_string(N) + " numbers, got " + Show(attribute));
  }
  for (const Sexpr& node : attribute.items[1].items) {
    Result<std::array<double, N>> row = ReadRow<N>(node, what);
    if (!row.ok()) return row.error();
    for (size_t k = 0; k < N / 2; ++k) {
      if (row.value()[k] > row.value()[k + N / 2]) {
        return Fail(node.line, what + " must list lower bounds before upper bounds, got " + Show(node));
      }
    }
    rows->push_back(row.value());
  }
  return Status::Ok();
}

// name name ... - category name ... - category ...
Status BddlReader::ReadInstances(const Sexpr& section, std::vector<BddlInstance>* out) {
  std::vector<BddlInstance> pending;
  const auto& items = section.items;
  for (size_t i = 1; i < items.size(); ++i) {
    if (!items[i].is_symbol()) {
      return Fail(items[i].line, "expected names and '- category', got " + Show(items[i]));
    }
    if (items[i].symbol != "-") {
      pending.push_back(BddlInstance{items[i].symbol, "", items[i].line});
      continue;
    }
    if (pending.empty()) return Fail(items[i].line, "'-' with no names before it");
    if (i + 1 >= items.size() || !items[i + 1].is_symbol() || items[i + 1].symbol == "-") {
      return Fail(items[i].line, "'-' without a category after it");
    }
    const std::string& category = items[++i].symbol;
    for (BddlInstance& instance : pending) {
      instance.category = category;
      out->push_back(std::move(instance));
    }
    pending.clear();
  }
  if (!pending.empty()) {
    return Fail(pending.front().line, "'" + pending.front().name +
                                          "' has no category; write '" + pending.front().name +
                                          " - <category>'");
  }
  return Status::Ok();
}

Status BddlReader::ReadObjectsOfInterest(const Sexpr& section) {
  for (size_t i = 1; i < section.items.size(); ++i) {
    const Sexpr& name = section.items[i];
    if (!name.is_symbol()) return Fail(name.line, "expected a name, got " + Show(name));
    task_.objects_of_interest.push_back(name.symbol);
    interest_lines_.push_back(name.line);
  }
  return Status::Ok();
}

// (Predicate arg ...), predicate stored lower-cased.
Result<BddlAtom> BddlReader::ReadAtom(const Sexpr& node, const std::string& what) const {
  bool is_atom = node.is_list && !node.items.empty();
  for (const Sexpr& item : node.items) is_atom = is_atom && item.is_symbol();
  if (!is_atom) return Fail(node.line, what + " must be an atom like (On a b), got " + Show(node));
  BddlAtom atom;
  atom.predicate = Lower(node.items[0].symbol);
  for (size_t i = 1; i < node.items.size(); ++i) atom.args.push_back(node.items[i].symbol);
  atom.line = node.line;
  return atom;
}

Status BddlReader::ReadInit(const Sexpr& section) {
  for (size_t i = 1; i < section.items.size(); ++i) {
    Result<BddlAtom> atom = ReadAtom(section.items[i], "each (:init ...) entry");
    if (!atom.ok()) return atom.error();
    task_.init.push_back(std::move(atom).value());
  }
  return Status::Ok();
}

// (:goal (And atom ...)) or (:goal atom).
Status BddlReader::ReadGoal(const Sexpr& section) {
  if (section.items.size() != 2) {
    return Fail(section.line, "(:goal ...) must hold one condition, an atom or (And atom ...), got " +
                                  Show(section));
  }
  const Sexpr& condition = section.items[1];
  const std::string what = "the goal is a conjunction of atoms; each part";
  if (HeadOf(condition) != "and") {
    Result<BddlAtom> atom = ReadAtom(condition, what);
    if (!atom.ok()) return atom.error();
    task_.goal.push_back(std::move(atom).value());
    return Status::Ok();
  }
  if (condition.items.size() < 2) return Fail(condition.line, "the goal (And) has no atoms");
  for (size_t i = 1; i < condition.items.size(); ++i) {
    Result<BddlAtom> atom = ReadAtom(condition.items[i], what);
    if (!atom.ok()) return atom.error();
    task_.goal.push_back(std::move(atom).value());
  }
  return Status::Ok();
}

Status BddlReader::CheckReference(const std::string& name, int line, const std::string& where) const {
  if (task_.FindInstance(name) != nullptr) return Status::Ok();
  if (const BddlRegion* region = task_.FindRegion(name)) {
    if (task_.FindInstance(region->target) != nullptr) return Status::Ok();
    return Fail(line, "region '" + name + "' in " + where + " belongs to '" + region->target +
                          "', which is not a declared fixture or object");
  }
  return Fail(line, "'" + name + "' in " + where +
                        " is not a declared fixture, object or region (<target>_<region>)");
}

Status BddlReader::CheckDeclarations() const {
  std::map<std::string, int> names;
  for (const auto* list : {&task_.fixtures, &task_.objects}) {
    for (const BddlInstance& instance : *list) {
      if (auto [it, inserted] = names.emplace(instance.name, instance.line); !inserted) {
        return Fail(instance.line, "'" + instance.name + "' is declared twice (first at line " +
                                       std::to_string(it->second) + ")");
      }
    }
  }
  std::map<std::string, int> regions;
  for (const BddlRegion& region : task_.regions) {
    if (auto [it, inserted] = regions.emplace(region.full_name(), region.line); !inserted) {
      return Fail(region.line, "region '" + region.full_name() + "' is defined twice (first at line " +
                                   std::to_string(it->second) + ")");
    }
  }
  for (size_t i = 0; i < task_.objects_of_interest.size(); ++i) {
    Status status =
        CheckReference(task_.objects_of_interest[i], interest_lines_[i], "(:obj_of_interest ...)");
    if (!status.ok()) return status;
  }
  for (const auto* atoms : {&task_.init, &task_.goal}) {
    for (const BddlAtom& atom : *atoms) {
      std::string shown = "(" + atom.predicate;
      for (const std::string& arg : atom.args) shown += " " + arg;
      shown += ")";
      for (const std::string& arg : atom.args) {
        if (Status status = CheckReference(arg, atom.line, shown); !status.ok()) return status;
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Result<BddlTask> ParseBddl(const std::string& text, const std::string& source) {
  Result<Sexpr> root = ReadSexpr(text, source);
  if (!root.ok()) return root.error();
  return BddlReader(source).Read(root.value());
}

Result<BddlTask> LoadBddlFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Error{path + ": cannot open the task file; check the path"};
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) return Error{path + ": read error"};
  return ParseBddl(text.str(), path);
}

}  // namespace gauntlet::envs::tabletop
