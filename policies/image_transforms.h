// Image preprocessing that policies trained elsewhere expect, done on the
// record by adapters (policies/adapted_policy.h).
#pragma once

#include "harness/observation.h"

namespace gauntlet::policies {

// The image turned by 180 degrees (rows and columns reversed), as openpi's
// LIBERO client does to match LIBERO's training frames.
Image Rotate180(const Image& image);

// openpi's resize_with_pad: scale by the largest ratio that fits the target,
// keeping the aspect ratio (sizes truncated to integers), then zero-pad,
// the odd pixel going to the bottom / right. Bilinear when enlarging, area
// averaging when shrinking (PIL's bilinear filter also averages when it
// shrinks; values can differ from PIL's by a grey level or so).
Image ResizeWithPad(const Image& image, int width, int height);

}  // namespace gauntlet::policies
