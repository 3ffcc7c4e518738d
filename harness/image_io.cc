#include "harness/image_io.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace gauntlet {
namespace {

bool IsWellFormed(const Image& image) {
  return image.width > 0 && image.height > 0 &&
         image.rgb.size() == static_cast<std::size_t>(image.width) * image.height * 3;
}

// A read-only OpenCV view of the image's pixels (no copy; OpenCV never writes
// through it here).
cv::Mat View(const Image& image) {
  return cv::Mat(image.height, image.width, CV_8UC3,
                 const_cast<std::uint8_t*>(image.rgb.data()));
}

}  // namespace

Status WritePng(const std::string& path, const Image& image) {
  if (!IsWellFormed(image)) {
    return Error{"cannot write '" + path + "': the image is " + std::to_string(image.width) +
                 "x" + std::to_string(image.height) + " with " +
                 std::to_string(image.rgb.size()) + " bytes"};
  }
  cv::Mat bgr;
  cv::cvtColor(View(image), bgr, cv::COLOR_RGB2BGR);
  // Encoded in memory so the file is a PNG whatever its name's extension.
  std::vector<std::uint8_t> png;
  if (!cv::imencode(".png", bgr, png)) return Error{"OpenCV cannot encode PNG for '" + path + "'"};
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
  file.close();
  if (!file) {
    return Error{"cannot write PNG '" + path + "': " + std::strerror(errno) +
                 " (does the directory exist and is it writable?)"};
  }
  return Status::Ok();
}

namespace {

Image FromMat(const cv::Mat& mat) {
  Image out;
  out.width = mat.cols;
  out.height = mat.rows;
  out.rgb.assign(mat.data, mat.data + mat.total() * mat.elemSize());
  return out;
}

}  // namespace

Image TileVertically(const std::vector<Image>& images) {
  if (images.empty()) return Image{};
  std::vector<cv::Mat> views;
  for (const Image& image : images) {
    GAUNTLET_CHECK(IsWellFormed(image) && image.width == images.front().width,
                   "TileVertically needs well-formed images of one width");
    views.push_back(View(image));
  }
  cv::Mat tiled;
  cv::vconcat(views, tiled);
  return FromMat(tiled);
}

Image Label(const Image& image, const std::string& text) {
  GAUNTLET_CHECK(IsWellFormed(image), "Label needs a well-formed image");
  cv::Mat mat = View(image).clone();
  const double scale = std::max(0.3, image.width / 400.0);
  int baseline = 0;
  const cv::Size size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &baseline);
  cv::rectangle(mat, cv::Rect(0, 0, std::min(mat.cols, size.width + 6), size.height + baseline + 6),
                cv::Scalar(20, 20, 20), cv::FILLED);
  cv::putText(mat, text, cv::Point(3, size.height + 3), cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(255, 255, 255), 1,
              cv::LINE_AA);
  return FromMat(mat);
}

Image TileHorizontally(const std::vector<Image>& images) {
  if (images.empty()) return Image{};
  std::vector<cv::Mat> views;
  views.reserve(images.size());
  for (const Image& image : images) {
    GAUNTLET_CHECK(IsWellFormed(image), "TileHorizontally needs well-formed images");
    GAUNTLET_CHECK(image.height == images.front().height,
                   "TileHorizontally needs images of one height, got " +
                       std::to_string(images.front().height) + " and " +
                       std::to_string(image.height));
    views.push_back(View(image));
  }
  cv::Mat tiled;
  cv::hconcat(views, tiled);
  Image out;
  out.width = tiled.cols;
  out.height = tiled.rows;
  out.rgb.assign(tiled.data, tiled.data + tiled.total() * tiled.elemSize());
  return out;
}

}  // namespace gauntlet
