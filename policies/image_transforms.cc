#include "policies/image_transforms.h"

#include <opencv2/imgproc.hpp>

namespace gauntlet::policies {

Image Rotate180(const Image& image) {
  Image out = image;
  const size_t pixels = static_cast<size_t>(image.width) * image.height;
  for (size_t i = 0; i < pixels; ++i) {
    const size_t j = pixels - 1 - i;
    for (int c = 0; c < 3; ++c) out.rgb[3 * i + c] = image.rgb[3 * j + c];
  }
  return out;
}

Image ResizeWithPad(const Image& image, int width, int height) {
  const double ratio = std::max(static_cast<double>(image.width) / width, static_cast<double>(image.height) / height);
  const int resized_w = std::max(1, static_cast<int>(image.width / ratio));
  const int resized_h = std::max(1, static_cast<int>(image.height / ratio));
  const cv::Mat src(image.height, image.width, CV_8UC3, const_cast<std::uint8_t*>(image.rgb.data()));
  cv::Mat resized;
  const int method = ratio > 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR;
  cv::resize(src, resized, cv::Size(resized_w, resized_h), 0, 0, method);
  Image out;
  out.width = width;
  out.height = height;
  out.rgb.assign(static_cast<size_t>(width) * height * 3, 0);
  const int top = (height - resized_h) / 2;
  const int left = (width - resized_w) / 2;
  for (int r = 0; r < resized_h; ++r) {
    std::copy(resized.ptr<std::uint8_t>(r), resized.ptr<std::uint8_t>(r) + 3 * resized_w,
              out.rgb.begin() + (static_cast<size_t>(top + r) * width + left) * 3);
  }
  return out;
}

}  // namespace gauntlet::policies
