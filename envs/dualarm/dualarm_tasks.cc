#include "envs/dualarm/dualarm_tasks.h"

#include <algorithm>
#include <cctype>

#include "envs/dualarm/seeded_random.h"
#include "harness/close_matches.h"
#include "harness/text_join.h"

namespace gauntlet::envs::dualarm {

const char* ArmSideName(ArmSide side) { return side == ArmSide::kLeft ? "left" : "right"; }

const char* ArmUseName(ArmUse use) {
  switch (use) {
    case ArmUse::kOneArm: return "one_arm";
    case ArmUse::kHandover: return "handover";
    case ArmUse::kSimultaneous: return "simultaneous";
    case ArmUse::kSequential: return "sequential";
  }
  return "?";
}

namespace {

std::vector<DualarmTask> MakeTasks() {
  using A = ArmUse;
  return {
      {"place_container_plate", 400, A::kOneArm, 98, 60, "T1", {"A", "B"},
       {"Put {A} on {B}.", "Place {A} onto {B}.", "Pick up {A} and set it down on {B}.",
        "Move {A} so that it rests on {B}.", "Grab {A} and put it on top of {B}.",
        "Set {A} on {B} using the arm on its side.", "Lift {A} over to {B} and let go."},
       {"{B} needs {A} on it; take care of that.", "Transfer {A} from the table onto {B}.",
        "Get {A} sitting on {B}."}},
      {"open_microwave", 1500, A::kOneArm, 85, 57, "T3", {"A"},
       {"Open {A}.", "Open the door of {A}.", "Pull {A}'s door open.", "Swing the door of {A} open.",
        "Use one arm to open {A}.", "Grab the handle of {A} and open its door.", "Pull on the handle to open {A}."},
       {"{A} is shut; get its door open.", "Make {A} stand open.", "Give {A}'s door a wide swing open."}},
      {"click_bell", 400, A::kOneArm, 100, 61, "", {"A"},
       {"Press {A}.", "Tap the top of {A}.", "Ring {A}.", "Push down on the button of {A}.",
        "Hit {A} on its top.", "Use the closer arm to press {A}.", "Touch the top centre of {A}."},
       {"Give {A} a ring.", "Make {A} ding by pressing it.", "Reach over and strike {A} from above."}},
      {"move_can_pot", 400, A::kOneArm, 50, 44, "", {"A", "B"},
       {"Move {A} next to {B}.", "Put {A} beside {B}.", "Pick up {A} and place it by {B}.",
        "Set {A} down right next to {B}.", "Bring {A} over to the side of {B}.",
        "Grab {A} and stand it beside {B}.", "Place {A} alongside {B}."},
       {"{A} belongs beside {B}; move it there.", "Carry {A} close to {B} and leave it standing.",
        "Relocate {A} so it stands by {B}."}},
      {"place_a2b_left", 400, A::kOneArm, 62, 21, "", {"A", "B"},
       {"Put {A} to the left of {B}.", "Place {A} on the left side of {B}.",
        "Move {A} so it sits left of {B}.", "Set {A} down to the left of {B}.",
        "Pick up {A} and put it left of {B}.", "Grab {A} and place it on {B}'s left.",
        "Position {A} just left of {B}."},
       {"{B} should have {A} on its left.", "Shift {A} to the left-hand side of {B}.",
        "Leave {A} at the left of {B}."}},
      {"place_a2b_right", 400, A::kOneArm, 54, 17, "", {"A", "B"},
       {"Put {A} to the right of {B}.", "Place {A} on the right side of {B}.",
        "Move {A} so it sits right of {B}.", "Set {A} down to the right of {B}.",
        "Pick up {A} and put it right of {B}.", "Grab {A} and place it on {B}'s right.",
        "Position {A} just right of {B}."},
       {"{B} should have {A} on its right.", "Shift {A} to the right-hand side of {B}.",
        "Leave {A} at the right of {B}."}},
      {"place_empty_cup", 500, A::kOneArm, 98, 34, "", {"A", "B"},
       {"Put {A} on {B}.", "Place {A} onto {B}.", "Pick up {A} and set it on {B}.",
        "Move {A} onto {B}.", "Stand {A} on top of {B}.", "Grab {A} and put it down on {B}.",
        "Set {A} on {B} with one arm."},
       {"{B} is waiting for {A}; put it there.", "Carry {A} over and rest it on {B}.",
        "Get {A} onto {B}."}},
      {"stack_blocks_two", 800, A::kSequential, 87, 55, "", {"A", "B"},
       {"Stack {A} on {B}.", "Put {A} on top of {B}.", "Place {A} onto {B}.",
        "Move both blocks to the middle and stack {A} on {B}.", "Set {A} on top of {B}.",
        "Build a tower with {A} on {B}.", "Pick up {A} and stack it on {B}."},
       {"{B} goes at the bottom, {A} on top of it.", "Make a two-block pile, {A} over {B}.",
        "Bring the blocks together so that {A} sits on {B}."}},
      {"blocks_ranking_rgb", 1200, A::kSequential, 79, 26, "", {"A", "B", "C"},
       {"Line up {A}, {B} and {C} from left to right.", "Arrange the blocks in a row: {A}, then {B}, then {C}.",
        "Put {A}, {B} and {C} in a row in that order, left to right.",
        "Place {A} on the left, {B} in the middle and {C} on the right.",
        "Sort the blocks left to right as {A}, {B}, {C}.", "Order the blocks in a line: {A}, {B}, {C}.",
        "Make a row with {A} leftmost and {C} rightmost, {B} between them."},
       {"From your left to your right, the row should read {A}, {B}, {C}.",
        "Rearrange the three blocks so {A} comes first, {B} second and {C} last, left to right.",
        "Get the blocks into a straight line ordered {A}, {B}, {C}."}},
      {"handover_block", 800, A::kHandover, 27, 30, "T2", {"A", "B"},
       {"Hand {A} from the left arm to the right arm and put it on {B}.",
        "Pick up {A} with the left arm, pass it to the right arm, and place it on {B}.",
        "Use the left arm to grab {A}, hand it over, and let the right arm set it on {B}.",
        "Pass {A} between the arms and stand it on {B}.", "Grasp {A} on the left, hand it over, and place it on {B}.",
        "Transfer {A} to the right arm and put it down on {B}.", "Hand over {A} and then place it on {B}."},
       {"{A} has to reach {B} by way of a handover between the arms.",
        "Let the left arm give {A} to the right arm, which leaves it on {B}.",
        "Move {A} onto {B}, passing it from one arm to the other on the way."}},
      {"handover_mic", 600, A::kHandover, 100, 38, "", {"A"},
       {"Hand {A} over to the other arm.", "Pick up {A} with one arm and pass it to the other.",
        "Grab {A} and give it to the other arm.", "Pass {A} from one arm to the other.",
        "Lift {A} and hand it across to the other arm.", "Use the nearer arm to pick up {A}, then hand it over.",
        "Transfer {A} between the two arms."},
       {"{A} should end up in the other arm's hand.", "Let one arm pass {A} to its partner.",
        "Pick {A} up and swap it into the other gripper."}},
      {"lift_pot", 400, A::kSimultaneous, 99, 75, "", {"A"},
       {"Lift {A} with both arms.", "Use both arms to pick up {A}.", "Grab both handles of {A} and lift it.",
        "Raise {A} off the table using both handles.", "Hold {A} by its handles and lift it up.",
        "Pick up {A} with two hands.", "Lift {A} up by both of its handles."},
       {"{A} is heavy; take it by both handles and raise it.", "Get {A} up in the air with both grippers.",
        "With an arm on each handle, hoist {A}."}},
      {"grab_roller", 400, A::kSimultaneous, 99, 66, "", {"A"},
       {"Grab {A} with both arms.", "Pick up {A} using both arms.", "Hold {A} by both handles and lift it.",
        "Use both arms to lift {A}.", "Take {A} by its two handles and raise it.",
        "Grasp each end of {A} and lift it.", "Lift {A} off the table with two grippers."},
       {"{A} needs two hands; hold it by the ends and lift.", "Get {A} up with an arm at each handle.",
        "Seize {A} at both ends and raise it."}},
      {"pick_dual_bottles", 400, A::kSimultaneous, 30, 27, "", {"A", "B"},
       {"Pick up {A} and {B} at the same time.", "Lift {A} with the left arm and {B} with the right arm.",
        "Grab both bottles, {A} and {B}, and hold them up.", "Use both arms to pick up {A} and {B}.",
        "Pick up {A} and {B}, one in each gripper.", "Raise {A} and {B} together.",
        "Take {A} in the left hand and {B} in the right and lift them."},
       {"Both {A} and {B} should be held up in front of you.", "Each arm lifts one bottle: {A} and {B}.",
        "Get {A} and {B} off the table, one per arm."}},
      {"place_cans_plasticbox", 800, A::kSimultaneous, 100, 85, "", {"A", "B", "C"},
       {"Put {A} and {B} into {C}.", "Place both cans, {A} and {B}, in {C}.",
        "Use both arms to put {A} and {B} in {C}.", "Drop {A} and {B} into {C}.",
        "Pick up {A} and {B} and put them in {C}.", "Put one can in each slot of {C}.",
        "Move {A} and {B} into {C}."},
       {"{C} should hold {A} and {B}.", "Pack {A} and {B} away in {C}.",
        "Load {C} with the two cans, {A} and {B}."}},
      {"put_object_cabinet", 700, A::kSequential, 78, 82, "", {"A", "B"},
       {"Open the drawer of {B} and put {A} inside.", "Pull out the drawer of {B}, then place {A} in it.",
        "Use one arm to open {B}'s drawer and the other to put {A} in.", "Put {A} into the drawer of {B}.",
        "Open {B} and place {A} in its drawer.", "Slide the drawer of {B} out and drop {A} into it.",
        "Store {A} in the drawer of {B}."},
       {"{A} belongs in the drawer of {B}; open it and put it there.",
        "Get the drawer of {B} open, then tuck {A} inside.", "One arm opens {B}, the other stows {A} in the drawer."}},
  };
}

}  // namespace

const std::vector<DualarmTask>& DualarmTasks() {
  static const std::vector<DualarmTask> tasks = MakeTasks();
  return tasks;
}

Result<const DualarmTask*> FindDualarmTask(const std::string& name) {
  for (const DualarmTask& t : DualarmTasks()) {
    if (t.name == name) return &t;
  }
  std::vector<std::string> all;
  for (const DualarmTask& t : DualarmTasks()) all.push_back(t.name);
  const std::vector<std::string> names = CloseMatches(name, all);
  if (names.empty()) return Error{"unknown dualarm task '" + name + "'; the tasks are: " + JoinText(all, ", ")};
  return Error{"unknown dualarm task '" + name + "'; did you mean: " + JoinText(names, ", ") + "?"};
}

Result<std::string> FillTemplate(const std::string& text, const std::map<std::string, std::string>& values) {
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find('{', pos);
    if (open == std::string::npos) {
      out += text.substr(pos);
      break;
    }
    const std::size_t close = text.find('}', open);
    if (close == std::string::npos) return Error{"instruction template '" + text + "': '{' without a closing '}'"};
    const std::string key = text.substr(open + 1, close - open - 1);
    const auto it = values.find(key);
    if (it == values.end()) {
      return Error{"instruction template '" + text + "': no value for placeholder {" + key + "}"};
    }
    out += text.substr(pos, open - pos) + it->second;
    pos = close + 1;
  }
  return out;
}

Result<std::string> DrawInstruction(const DualarmTask& task, InstructionSet set, std::uint64_t seed,
                                    const std::map<std::string, std::string>& values) {
  const std::vector<std::string>& pool = task.Templates(set);
  if (pool.empty()) return Error{"task " + task.name + " has no instruction templates"};
  SeededRandom rng(seed, set == InstructionSet::kSeen ? "dualarm/instruction/seen/" + task.name
                                                      : "dualarm/instruction/unseen/" + task.name);
  Result<std::string> text = FillTemplate(pool[rng.Index(static_cast<int>(pool.size()))], values);
  if (!text.ok()) return Error{"task " + task.name + ": " + text.error().message};
  std::string s = std::move(text).value();
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

}  // namespace gauntlet::envs::dualarm
