// Explicit adapters between a policy's conventions and a family's, each asked
// for on the command line (`--adapt a,b=ARG`) and recorded with the run:
//   gripper      the policy's gripper convention -> the family's
//   rotation     the policy's rotation format (quaternion wxyz/xyzw, Euler xyz)
//                -> the family's axis-angle, antipodes normalised (angle <= pi)
//   flip180      images turned by 180 degrees before the policy sees them
//                (models trained on LIBERO's raw frames)
//   resize_pad   images resized to the policy's declared size, keeping the
//                aspect ratio, zero-padded (tf.image.resize_with_pad, bilinear)
//   denorm=FILE  actions de-normalised with the statistics in FILE (JSON:
//                {"action": {"min": [..], "max": [..]}} or "q01"/"q99" or
//                "mean"/"std"; optional "mask": [bool] keeps dimensions as they are)
// An adapter that would change nothing is refused, so the record never lists
// a conversion that did not happen.
//
// Client bundles: one word for the preprocessing of a known client, expanded
// into the adapters above (the run records those):
//   openpi_libero  flip180,resize_pad  openpi's LIBERO example client (turns
//                  both images by 180 degrees, then resize_with_pad to 224)
//   openpi_droid   resize_pad          its DROID client (resize_with_pad)
//   openpi_aloha   resize_pad          its ALOHA client (resize_with_pad)
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "harness/policy.h"

namespace gauntlet::policies {

struct AdapterRequest {
  std::string name;
  std::string arg;  // after '=', "" if none
};

// "gripper,rotation,denorm=stats.json" (items may also come one by one);
// bundles expand in place.
Result<std::vector<AdapterRequest>> ParseAdapters(const std::vector<std::string>& items);

// `inner` wrapped so that it fits a family offering `action` and `offer`; the
// result's info() is the family side, with adapters_json listing each
// conversion (name, from, to, argument). Errors name the adapter and why it
// does not apply.
Result<std::unique_ptr<Policy>> Adapt(std::unique_ptr<Policy> inner, const std::vector<AdapterRequest>& adapters,
                                      const ActionSpec& action, const ObservationSpec& offer);

}  // namespace gauntlet::policies
