// What a policy sees. Images are HxWx3 uint8 with row 0 at the top; state is a
// map of named float vectors documented per family (tabletop: README.md).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gauntlet {

struct Image {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;  // height x width x 3, row-major, row 0 = top of the view
};

// How a camera image is laid out in memory. Everything gauntlet renders is
// upright (row 0 = top). Models trained on LIBERO's raw frames expect them
// turned by 180 degrees, which the `flip180` adapter does, on the record.
enum class ImageOrientation { kUpright, kRotated180 };
const char* ToString(ImageOrientation orientation);

// A rigid pose in the world frame.
struct Pose {
  std::array<double, 3> pos{};          // metres
  std::array<double, 4> quat{1, 0, 0, 0};  // w, x, y, z
};

// Ground truth a scripted expert may read. Only policies that declare
// `needs_privileged_state` receive it; learned policies never do.
struct PrivilegedState {
  struct Body {
    std::string category;               // object library category, e.g. "akita_black_bowl"
    Pose pose;                          // body frame (LIBERO predicates use the body origin)
    std::array<double, 3> half_extent{};  // axis-aligned bounds in the body frame, metres
    double bottom = 0;                  // body-frame z of the lowest point (<= 0), metres
    double rim_radius = 0;              // > 0 for open containers grasped by their wall (bowls, plates)
    double support_height = 0;          // body-frame z where a thing put on or in it rests
    double grasp_height = 0;            // > 0: grasp this far above the origin (bottles), metres
    bool fixture = false;               // welded in place
  };
  struct Site {
    Pose pose;
    std::array<double, 3> half_size{};  // box half sizes, metres
    std::string parent;                 // object or fixture it belongs to ("" for the table or floor)
    std::string joint;                  // the joint that moves it (a drawer's), "" if none
    bool enclosed = false;              // under a roof, entered from the parent's front (its x axis)
  };
  // A joint of a fixture (drawer, door, dial) and how an expert works it.
  struct Articulation {
    std::string owner;                  // fixture instance
    double q = 0;                       // joint value, metres or radians
    bool hinge = false;                 // else a slide
    std::array<double, 3> anchor{};     // a point on the axis, world frame
    std::array<double, 3> axis{};       // unit, world frame; q grows along / about it
    std::optional<Pose> handle;         // where a gripper pinches it: fingers close across its y axis
    double handle_reach_back = 0;       // how far the handle's fin runs back along -x from there, metres
    // Joint values at which a predicate holds with some margin, by predicate
    // ("open", "close", "turnon", "turnoff").
    std::map<std::string, double> targets;
  };
  std::map<std::string, Body> objects;      // free bodies and fixtures by instance name
  std::map<std::string, Site> regions;      // named regions (sites)
  std::map<std::string, double> joints;     // every non-free joint by name (m or rad), robot's too
  std::map<std::string, Articulation> articulations;  // fixtures' joints by name
  std::vector<std::vector<std::string>> goal;  // conjunction; each atom = {predicate, args...}
  std::vector<bool> goal_holds;             // per atom of `goal`, on this state
  Pose eef;                                 // tool centre point
  double gripper_opening = 0;               // metres between the fingers
  std::array<double, 3> robot_base{};       // world position of the arm's base
};

struct ImageSize {
  int width = 0;
  int height = 0;
};

// What a family offers a policy: checked against the policy's needs.
struct ObservationSpec {
  std::vector<std::string> cameras;  // cameras it can render
  int image_width = 0;               // size this run renders at
  int image_height = 0;
  std::map<std::string, ImageSize> camera_sizes;  // cameras rendered at another size
  ImageSize SizeOf(const std::string& camera) const;
  std::map<std::string, int> state;  // state key -> length
};

// What a policy asks to be rendered and filled in.
struct ObservationRequest {
  std::vector<std::string> cameras;  // empty: no rendering at all
  bool privileged = false;
};

struct Observation {
  std::map<std::string, Image> images;               // camera name -> image
  std::map<std::string, std::vector<double>> state;  // e.g. eef_pos (3), eef_quat (4, w x y z)
  std::string instruction;
  int step = 0;                                       // control steps since the policy started
  std::optional<PrivilegedState> privileged;
};

}  // namespace gauntlet
