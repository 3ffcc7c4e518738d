// The play table's two lights, as CALVIN evaluates them: once per control
// step (not per physics step), from the button's and the switch's joints.
//   LED:  toggles on each rising edge of "button pressed" (joint > 1 cm), so
//         a press that rises and falls within one control step is missed, as
//         in CALVIN.
//   bulb: on while the switch is past the middle of its travel (a level).
#pragma once

namespace gauntlet::envs::playtable {

inline constexpr double kButtonPressedAbove = 0.01;  // metres of the 0.02 travel
inline constexpr double kSwitchOnAbove = 0.044;      // metres: half of the 0.088 travel

class DeskLights {
 public:
  // The lights' states at the start of an episode, with the button's joint then.
  void Reset(int led, int lightbulb, double button) {
    led_ = led;
    lightbulb_ = lightbulb;
    pressed_ = button > kButtonPressedAbove;
  }
  // One control step's update from the joints' values after it.
  void Update(double button, double switch_position) {
    const bool pressed = button > kButtonPressedAbove;
    if (pressed && !pressed_) led_ = 1 - led_;
    pressed_ = pressed;
    lightbulb_ = switch_position > kSwitchOnAbove ? 1 : 0;
  }
  int led() const { return led_; }
  int lightbulb() const { return lightbulb_; }

 private:
  int led_ = 0;
  int lightbulb_ = 0;
  bool pressed_ = false;
};

}  // namespace gauntlet::envs::playtable
