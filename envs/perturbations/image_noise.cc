#include "envs/perturbations/image_noise.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "harness/check.h"
#include "harness/text_join.h"

namespace gauntlet::envs {

// Parameter tables, by severity 1..10, as LIBERO-Plus's env_wrapper.py sets them.
namespace {

struct MotionBlurParams {
  int radius;    // pixels; ImageMagick's kernel has 2*radius+1 taps
  double sigma;  // pixels
};
constexpr std::array<MotionBlurParams, kNoiseSeverities> kMotionBlur = {{
    {5, 2}, {8, 3}, {10, 4}, {12, 5}, {15, 6}, {18, 8}, {20, 10}, {25, 12}, {30, 15}, {35, 20}}};
constexpr double kMotionAngleLimit = 45;  // degrees; angle ~ U(-45, 45)
constexpr double kPi = 3.14159265358979323846;

// Gaussian blur: sigma = severity (pixels).

struct ZoomRange {  // zoom factors numpy.arange(1, end, step)
  double end;
  double step;
};
constexpr std::array<ZoomRange, kNoiseSeverities> kZoomBlur = {{{1.11, 0.01},
                                                               {1.16, 0.01},
                                                               {1.21, 0.02},
                                                               {1.26, 0.02},
                                                               {1.31, 0.03},
                                                               {1.36, 0.01},
                                                               {1.41, 0.01},
                                                               {1.46, 0.02},
                                                               {1.51, 0.02},
                                                               {1.56, 0.03}}};

struct FogParams {
  double strength;      // c0: weight of the plasma map added to the [0,1] image
  double wibble_decay;  // the plasma's noise amplitude shrinks by this per octave
};
constexpr std::array<FogParams, kNoiseSeverities> kFog = {{{0.5, 3}, {1.0, 2.8}, {1.5, 2.5},
                                                          {2.0, 2.2}, {2.5, 2.0}, {3.0, 1.8},
                                                          {3.5, 1.6}, {4.0, 1.5}, {4.5, 1.4},
                                                          {5.0, 1.3}}};
constexpr int kMinPlasmaSize = 256;  // LIBERO-Plus always draws a 256x256 map and crops it

struct GlassBlurParams {
  double sigma;    // pixels, both Gaussian passes
  int max_delta;   // pixel moves reach [-max_delta, max_delta) in x and y
  int iterations;  // sweeps of pixel moves
};
constexpr std::array<GlassBlurParams, kNoiseSeverities> kGlassBlur = {{{0.5, 1, 3},
                                                                       {0.7, 1, 3},
                                                                       {0.9, 2, 3},
                                                                       {1.0, 2, 2},
                                                                       {1.1, 3, 2},
                                                                       {1.3, 3, 2},
                                                                       {1.5, 4, 2},
                                                                       {1.8, 4, 2},
                                                                       {2.2, 5, 1},
                                                                       {2.5, 5, 1}}};

// skimage.filters.gaussian (scipy.ndimage) cuts its kernel at 4 sigma.
constexpr double kGaussianTruncate = 4.0;

// LIBERO-Plus converts its float results to uint8 with astype (truncation).
// Our float32 sums land a hair below integers numpy's float64 would hit (an
// exact 200 becomes 199.99998), so truncation gets this much slack, in
// 0..255 units, to keep a flat image flat.
constexpr float kTruncationSlack = 1e-3f;

void CheckSeverity(int severity) {
  GAUNTLET_CHECK(severity >= 1 && severity <= kNoiseSeverities,
                 "noise severity " + std::to_string(severity) + " outside 1..10");
}

// Portable draws: std::uniform_*_distribution differ between standard
// libraries, so map the engine's 64-bit outputs ourselves.
double UniformReal(std::mt19937_64& rng, double low, double high) {
  return low + (high - low) * (static_cast<double>(rng() >> 11) * 0x1.0p-53);
}

// numpy.arange(1, end, step) exactly as numpy computes it in float64: length
// ceil((end - 1) / step) and values 1 + i * ((1 + step) - 1). The rounding is
// part of the benchmark: arange(1, 1.11, 0.01) has 12 values, not 11.
std::vector<double> ZoomFactors(const ZoomRange& range) {
  const auto count = static_cast<int>(std::ceil((range.end - 1.0) / range.step));
  const double delta = (1.0 + range.step) - 1.0;
  std::vector<double> factors(count);
  for (int i = 0; i < count; ++i) factors[i] = 1.0 + i * delta;
  return factors;
}

double MotionBlurAngle(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  return UniformReal(rng, -kMotionAngleLimit, kMotionAngleLimit);
}

// A view of the image's bytes as an OpenCV matrix (no copy).
cv::Mat AsMat(const Image& image) {
  return cv::Mat(image.height, image.width, CV_8UC3, const_cast<std::uint8_t*>(image.rgb.data()));
}

// uint8 -> float in [0, 1], as `np.array(x) / 255.`.
cv::Mat ToUnitFloat(const cv::Mat& bytes) {
  cv::Mat unit;
  bytes.convertTo(unit, CV_32FC3, 1.0 / 255);
  return unit;
}

// `(np.clip(x, 0, 1) * 255).astype(np.uint8)`, with kTruncationSlack.
Image FromUnitFloatTruncating(const cv::Mat& unit) {
  GAUNTLET_CHECK(unit.type() == CV_32FC3 && unit.isContinuous(), "expected a whole float image");
  Image out{unit.cols, unit.rows, std::vector<std::uint8_t>(unit.total() * 3)};
  const cv::Mat flat = unit.reshape(1, 1);
  const auto* src = flat.ptr<float>();
  for (std::size_t i = 0; i < out.rgb.size(); ++i) {
    const float v = std::clamp(src[i], 0.0f, 1.0f) * 255.0f + kTruncationSlack;
    out.rgb[i] = static_cast<std::uint8_t>(std::min(v, 255.0f));
  }
  return out;
}

// skimage.filters.gaussian(x, sigma, channel_axis=-1): per channel, kernel
// radius int(4 sigma + 0.5), edges repeated (scipy mode 'nearest' = OpenCV
// BORDER_REPLICATE).
cv::Mat GaussianBlurUnit(const cv::Mat& unit, double sigma) {
  const int radius = static_cast<int>(kGaussianTruncate * sigma + 0.5);
  cv::Mat blurred;
  cv::GaussianBlur(unit, blurred, cv::Size(2 * radius + 1, 2 * radius + 1), sigma, sigma,
                   cv::BORDER_REPLICATE);
  return blurred;
}

// ImageMagick's MotionBlurImage (LIBERO-Plus calls it through Wand): a
// one-sided line kernel. Tap i = 0..width-1 (width = 2*radius+1, ImageMagick's
// GetOptimalKernelWidth1D) weighs exp(-i^2 / (2 sigma^2)), normalised to sum 1,
// and reads the pixel at
//   (x + ceil(i cos(angle) - 0.5), y + ceil(i sin(angle) - 0.5))
// with pixels beyond the border repeating the edge (ImageMagick's default
// virtual-pixel method), so each pixel averages the pixels "behind" it along
// the angle. ImageMagick works in 16-bit quanta and the result is written as
// an 8-bit PNG; we sum in float32 and round to nearest once, which can differ
// from ImageMagick by one level.
Image MotionBlur(const Image& image, const MotionBlurParams& params, double angle_degrees) {
  const int width = 2 * params.radius + 1;
  std::vector<double> weights(width);
  double total = 0;
  for (int i = 0; i < width; ++i) {
    weights[i] = std::exp(-double(i) * i / (2.0 * params.sigma * params.sigma));
    total += weights[i];
  }
  // ImageMagick's offsets, computed as it does (point = width * (sin, cos)).
  const double radians = kPi * angle_degrees / 180.0;
  const double point_x = width * std::sin(radians), point_y = width * std::cos(radians);
  const double length = std::hypot(point_x, point_y);

  const int pad = width - 1;  // |offset| <= width - 1
  cv::Mat padded;
  cv::copyMakeBorder(AsMat(image), padded, pad, pad, pad, pad, cv::BORDER_REPLICATE);
  padded.convertTo(padded, CV_32FC3);
  cv::Mat sum = cv::Mat::zeros(image.height, image.width, CV_32FC3);
  for (int i = 0; i < width; ++i) {
    const int dx = static_cast<int>(std::ceil(i * point_y / length - 0.5));
    const int dy = static_cast<int>(std::ceil(i * point_x / length - 0.5));
    const cv::Mat shifted = padded(cv::Rect(pad + dx, pad + dy, image.width, image.height));
    cv::scaleAdd(shifted, weights[i] / total, sum, sum);
  }
  Image out{image.width, image.height, std::vector<std::uint8_t>(image.rgb.size())};
  cv::Mat out_mat = AsMat(out);
  sum.convertTo(out_mat, CV_8UC3);  // rounds to nearest, saturates
  return out;
}

// imagecorruptions' clipped_zoom, added into `sum`: crop the centre
// ceil(h/z) x ceil(w/z), enlarge it by z with scipy.ndimage.zoom(order=1)
// (output size round(size*z); output index o samples input coordinate
// o * (in-1)/(out-1), bilinear), and keep the centre h x w. LIBERO-Plus crops
// a square of the height's size (its images are square); we crop each axis by
// its own size, which is the same on square images. Bilinear is done as two
// passes (along rows into `stretched`, then between rows) so that the second,
// which touches every output value, runs over contiguous floats.
void AddCentreZoom(const cv::Mat& unit, double zoom, cv::Mat& stretched, cv::Mat& sum) {
  struct Tap {
    int index;     // first of the two source samples (absolute, in the full image)
    float weight;  // weight of the second
  };
  const auto axis_taps = [zoom](int size) {
    const int crop = static_cast<int>(std::ceil(size / zoom));
    const int start = (size - crop) / 2;
    const int zoomed = static_cast<int>(std::nearbyint(crop * zoom));  // Python round: half to even
    const int trim = (zoomed - size) / 2;
    const double scale = zoomed > 1 ? double(crop - 1) / (zoomed - 1) : 0.0;
    std::vector<Tap> taps(size);
    for (int o = 0; o < size; ++o) {
      const double at = (o + trim) * scale;
      const int first = std::min(static_cast<int>(std::floor(at)), std::max(crop - 2, 0));
      taps[o] = {start + first, static_cast<float>(at - first)};
    }
    return taps;
  };
  const std::vector<Tap> rows = axis_taps(unit.rows), cols = axis_taps(unit.cols);
  const int first_row = rows.front().index;
  const int last_row = std::min(rows.back().index + 1, unit.rows - 1);
  const int last_col = unit.cols - 1;
  stretched.create(last_row - first_row + 1, unit.cols, CV_32FC3);
  for (int r = first_row; r <= last_row; ++r) {
    const auto* src = unit.ptr<cv::Vec3f>(r);
    auto* dst = stretched.ptr<cv::Vec3f>(r - first_row);
    for (int x = 0; x < unit.cols; ++x) {
      const cv::Vec3f& left = src[cols[x].index];
      dst[x] = left + cols[x].weight * (src[std::min(cols[x].index + 1, last_col)] - left);
    }
  }
  const int row_floats = unit.cols * 3;
  for (int y = 0; y < unit.rows; ++y) {
    const float* upper = stretched.ptr<float>(rows[y].index - first_row);
    const float* lower = stretched.ptr<float>(std::min(rows[y].index + 1, last_row) - first_row);
    const float fy = rows[y].weight;
    float* dst = sum.ptr<float>(y);
    for (int k = 0; k < row_floats; ++k) dst[k] += upper[k] + fy * (lower[k] - upper[k]);
  }
}

// imagecorruptions' zoom_blur: the image and its centre zooms by each factor,
// averaged: (x + sum of zooms) / (count + 1).
Image ZoomBlur(const Image& image, const ZoomRange& range) {
  const cv::Mat unit = ToUnitFloat(AsMat(image));
  const std::vector<double> factors = ZoomFactors(range);
  cv::Mat sum = unit.clone(), stretched;
  for (double zoom : factors) AddCentreZoom(unit, zoom, stretched, sum);
  return FromUnitFloatTruncating(sum / static_cast<double>(factors.size() + 1));
}

// The diamond-square plasma fractal of ImageNet-C's fog (plasma_fractal), on a
// size x size torus (size a power of two), normalised to [0, 1]. Per octave,
// with step s and noise amplitude w (100 at first, divided by the decay after
// each octave), every new point is the mean of its four neighbours plus
// w * U(-w, w) (sic: the amplitude enters twice, as in the original):
//   squares:  centre of each s-cell from its four corners;
//   diamonds: the midpoints of the top edges, then of the left edges, from the
//             two centres and two corners around them (wrapping around).
// Draws are made in row-major order over each of the three grids in turn.
std::vector<double> PlasmaFractal(int size, double wibble_decay, std::mt19937_64& rng) {
  std::vector<double> map(static_cast<std::size_t>(size) * size, 0.0);
  const auto at = [&map, size](int row, int col) -> double& {
    return map[static_cast<std::size_t>(row) * size + col];
  };
  double wibble = 100;
  for (int step = size; step >= 2; step /= 2) {
    const int n = size / step, half = step / 2;
    const auto corner = [&](int i, int j) -> double& { return at(i % n * step, j % n * step); };
    const auto centre = [&](int i, int j) -> double& {
      return at((i + n) % n * step + half, (j + n) % n * step + half);
    };
    const auto noisy_mean = [&](double sum) {
      return sum / 4 + wibble * UniformReal(rng, -wibble, wibble);
    };
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        centre(i, j) = noisy_mean((corner(i, j) + corner(i + 1, j)) +
                                  (corner(i, j + 1) + corner(i + 1, j + 1)));
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        at(i * step, j * step + half) = noisy_mean((centre(i, j) + centre(i - 1, j)) +
                                                   (corner(i, j) + corner(i, j + 1)));
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        at(i * step + half, j * step) = noisy_mean((centre(i, j) + centre(i, j - 1)) +
                                                   (corner(i, j) + corner(i + 1, j)));
    wibble /= wibble_decay;
  }
  const auto [low, high] = std::minmax_element(map.begin(), map.end());
  const double min = *low, range = *high - *low;
  for (double& v : map) v = (v - min) / range;
  return map;
}

int PlasmaSize(const Image& image) {
  int size = kMinPlasmaSize;
  while (size < std::max(image.width, image.height)) size *= 2;
  return size;
}

// ImageNet-C's fog with LIBERO-Plus's table: x in [0,1], m = max(x);
// x += c0 * plasma (the same map on every channel, cropped to the image's
// top-left corner); x = clip(x * m / (m + c0), 0, 1). The map is 256 px as in
// LIBERO-Plus, larger only for images larger than 256 (where LIBERO-Plus's
// crop would fail).
Image Fog(const Image& image, const FogParams& params, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const int size = PlasmaSize(image);
  const std::vector<double> plasma = PlasmaFractal(size, params.wibble_decay, rng);
  const double max_value =
      *std::max_element(image.rgb.begin(), image.rgb.end()) / 255.0;
  const double scale = max_value / (max_value + params.strength);
  Image out{image.width, image.height, std::vector<std::uint8_t>(image.rgb.size())};
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      const double fog = params.strength * plasma[static_cast<std::size_t>(y) * size + x];
      for (int c = 0; c < 3; ++c) {
        const std::size_t i = (static_cast<std::size_t>(y) * image.width + x) * 3 + c;
        const double v = std::clamp((image.rgb[i] / 255.0 + fog) * scale, 0.0, 1.0) * 255.0;
        out.rgb[i] = static_cast<std::uint8_t>(std::min(v + kTruncationSlack, 255.0));
      }
    }
  }
  return out;
}

// ImageNet-C's glass blur with LIBERO-Plus's table: Gaussian blur (truncated
// to uint8), then `iterations` sweeps over the interior, bottom-right to
// top-left (rows h-d down to d+1, columns w-d down to d+1), then Gaussian blur
// again. At each pixel the original draws dx, dy uniformly from [-d, d) and
// "swaps" it with (y+dy, x+dx); numpy's tuple swap of two row views in fact
// copies the neighbour into the pixel and leaves the neighbour as it was, and
// that copy is what we do, since it is what LIBERO-Plus's frames show.
Image GlassBlur(const Image& image, const GlassBlurParams& params, std::uint64_t seed) {
  const Image blurred =
      FromUnitFloatTruncating(GaussianBlurUnit(ToUnitFloat(AsMat(image)), params.sigma));
  cv::Mat moved = AsMat(blurred).clone();
  std::mt19937_64 rng(seed);
  const int d = params.max_delta;
  const std::uint64_t span = 2 * d;
  for (int sweep = 0; sweep < params.iterations; ++sweep) {
    for (int y = image.height - d; y > d; --y) {
      auto* row = moved.ptr<cv::Vec3b>(y);
      for (int x = image.width - d; x > d; --x) {
        // One 64-bit draw gives both offsets (high half dx, low half dy).
        const std::uint64_t bits = rng();
        const int dx = static_cast<int>(((bits >> 32) * span) >> 32) - d;
        const int dy = static_cast<int>(((bits & 0xffffffffu) * span) >> 32) - d;
        row[x] = moved.at<cv::Vec3b>(y + dy, x + dx);
      }
    }
  }
  return FromUnitFloatTruncating(GaussianBlurUnit(ToUnitFloat(moved), params.sigma));
}

}  // namespace

const char* ToString(NoiseKind kind) {
  switch (kind) {
    case NoiseKind::kMotionBlur: return "motion_blur";
    case NoiseKind::kGaussianBlur: return "gaussian_blur";
    case NoiseKind::kZoomBlur: return "zoom_blur";
    case NoiseKind::kFog: return "fog";
    case NoiseKind::kGlassBlur: return "glass_blur";
  }
  return "?";
}

Result<NoiseKind> ParseNoiseKind(const std::string& text) {
  std::vector<std::string> known;
  for (NoiseKind kind : {NoiseKind::kMotionBlur, NoiseKind::kGaussianBlur, NoiseKind::kZoomBlur,
                         NoiseKind::kFog, NoiseKind::kGlassBlur}) {
    if (text == ToString(kind)) return kind;
    known.push_back(ToString(kind));
  }
  return Error{"unknown noise kind '" + text + "' (known: " + JoinText(known, ", ") + ")"};
}

std::pair<NoiseKind, int> NoiseFromIndex(int n) {
  GAUNTLET_CHECK(n >= 1 && n <= kNoiseVariants,
                 "noise variant " + std::to_string(n) + " outside 1..50");
  return {static_cast<NoiseKind>((n - 1) / kNoiseSeverities), (n - 1) % kNoiseSeverities + 1};
}

Image Corrupt(const Image& image, NoiseKind kind, int severity, std::uint64_t seed) {
  CheckSeverity(severity);
  GAUNTLET_CHECK(image.width > 0 && image.height > 0 &&
                     image.rgb.size() == static_cast<std::size_t>(image.width) * image.height * 3,
                 "Corrupt needs a non-empty HxWx3 image, got " + std::to_string(image.width) +
                     "x" + std::to_string(image.height) + " with " +
                     std::to_string(image.rgb.size()) + " bytes");
  const int s = severity - 1;
  switch (kind) {
    case NoiseKind::kMotionBlur:
      return MotionBlur(image, kMotionBlur[s], MotionBlurAngle(seed));
    case NoiseKind::kGaussianBlur:
      return FromUnitFloatTruncating(GaussianBlurUnit(ToUnitFloat(AsMat(image)), severity));
    case NoiseKind::kZoomBlur:
      return ZoomBlur(image, kZoomBlur[s]);
    case NoiseKind::kFog:
      return Fog(image, kFog[s], seed);
    case NoiseKind::kGlassBlur:
      return GlassBlur(image, kGlassBlur[s], seed);
  }
  GAUNTLET_CHECK(false, "unknown NoiseKind");
  return image;
}

nlohmann::json NoiseParams(NoiseKind kind, int severity, std::uint64_t seed) {
  CheckSeverity(severity);
  const int s = severity - 1;
  nlohmann::json params = {{"kind", ToString(kind)}, {"severity", severity}, {"seed", seed}};
  switch (kind) {
    case NoiseKind::kMotionBlur:
      params["radius"] = kMotionBlur[s].radius;
      params["sigma"] = kMotionBlur[s].sigma;
      params["angle_degrees"] = MotionBlurAngle(seed);
      break;
    case NoiseKind::kGaussianBlur:
      params["sigma"] = severity;
      params["truncate"] = kGaussianTruncate;
      break;
    case NoiseKind::kZoomBlur:
      params["zoom_end"] = kZoomBlur[s].end;
      params["zoom_step"] = kZoomBlur[s].step;
      params["zoom_factors"] = ZoomFactors(kZoomBlur[s]);
      break;
    case NoiseKind::kFog:
      params["strength"] = kFog[s].strength;
      params["wibble_decay"] = kFog[s].wibble_decay;
      params["plasma_size"] = kMinPlasmaSize;  // larger for images larger than it
      break;
    case NoiseKind::kGlassBlur:
      params["sigma"] = kGlassBlur[s].sigma;
      params["max_delta"] = kGlassBlur[s].max_delta;
      params["iterations"] = kGlassBlur[s].iterations;
      break;
  }
  return params;
}

}  // namespace gauntlet::envs
