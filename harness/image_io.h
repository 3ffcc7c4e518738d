// Image files and composition for `gauntlet show`, through OpenCV.
#pragma once

#include <string>
#include <vector>

#include "harness/observation.h"
#include "harness/result.h"

namespace gauntlet {

// Writes `image` as a PNG file at `path` (created or overwritten).
Status WritePng(const std::string& path, const Image& image);

// The images side by side, left to right, in the order given. All must have
// the same height (a checked precondition); no images gives an empty Image.
Image TileHorizontally(const std::vector<Image>& images);
// The images one below the other; all must have the same width.
Image TileVertically(const std::vector<Image>& images);
// A copy with `text` written in the top-left corner (white on a dark band).
Image Label(const Image& image, const std::string& text);

}  // namespace gauntlet
