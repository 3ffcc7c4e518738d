#include "python/numpy_conversion.h"

#include <pybind11/numpy.h>

#include <algorithm>
#include <cstring>

#include "harness/check.h"

namespace py = pybind11;

namespace gauntlet::python {

namespace {

py::array_t<std::uint8_t> ImageToNumpy(const Image& image) {
  py::array_t<std::uint8_t> array({image.height, image.width, 3});
  GAUNTLET_CHECK(image.rgb.size() == static_cast<size_t>(array.size()), "image bytes do not match its size");
  std::memcpy(array.mutable_data(), image.rgb.data(), image.rgb.size());
  return array;
}

py::array_t<double> VectorToNumpy(const std::vector<double>& values) {
  py::array_t<double> array(static_cast<py::ssize_t>(values.size()));
  std::copy(values.begin(), values.end(), array.mutable_data());
  return array;
}

std::string PythonTypeName(py::handle value) {
  return py::str(py::type::handle_of(value).attr("__qualname__")).cast<std::string>();
}

}  // namespace

py::dict ObservationToPython(const Observation& observation, const std::vector<std::string>& cameras,
                             const std::vector<std::string>& state_keys, bool all_state) {
  py::dict images, state;
  for (const std::string& camera : cameras) {
    auto it = observation.images.find(camera);
    if (it != observation.images.end()) images[py::str(camera)] = ImageToNumpy(it->second);
  }
  for (const auto& [key, values] : observation.state) {
    if (all_state || std::find(state_keys.begin(), state_keys.end(), key) != state_keys.end()) {
      state[py::str(key)] = VectorToNumpy(values);
    }
  }
  py::dict obs;
  obs["images"] = images;
  obs["state"] = state;
  obs["instruction"] = py::str(observation.instruction);
  obs["step"] = observation.step;
  return obs;
}

Result<std::vector<std::vector<double>>> ActionsFromPython(py::handle value) {
  const std::string expected = "expected a numpy.ndarray of floats, shape (H, D) or (D,)";
  if (!py::isinstance<py::array>(value)) return Error{"returned a " + PythonTypeName(value) + ", " + expected};
  auto array = py::reinterpret_borrow<py::array>(value);
  const char kind = array.dtype().kind();
  if (kind != 'f') {
    std::string dtype = py::str(array.dtype()).cast<std::string>();
    return Error{"returned an array of dtype " + dtype + (kind == 'O' ? " (a ragged list?)" : "") + ", " + expected};
  }
  if (array.ndim() != 1 && array.ndim() != 2) {
    return Error{"returned an array with " + std::to_string(array.ndim()) + " dimensions, " + expected};
  }
  // float64, C order; a copy only when the policy's array is anything else.
  auto values = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(array);
  if (!values) throw py::error_already_set();
  const py::ssize_t rows = values.ndim() == 2 ? values.shape(0) : 1;
  const py::ssize_t dim = values.ndim() == 2 ? values.shape(1) : values.shape(0);
  const double* data = values.data();
  std::vector<std::vector<double>> actions(static_cast<size_t>(rows));
  for (py::ssize_t r = 0; r < rows; ++r) actions[r].assign(data + r * dim, data + (r + 1) * dim);
  return actions;
}

std::string DescribePythonError(const py::error_already_set& error) {
  std::string text = error.type() ? py::str(error.type().attr("__name__")).cast<std::string>() : "error";
  const std::string message = error.value() ? py::str(error.value()).cast<std::string>() : "";
  if (!message.empty()) text += ": " + message;
  if (!error.trace()) return text;
  try {
    py::list frames = py::module_::import("traceback").attr("extract_tb")(error.trace());
    if (frames.empty()) return text;
    py::object last = frames[frames.size() - 1];
    const std::string file = py::module_::import("os.path").attr("basename")(last.attr("filename")).cast<std::string>();
    text += " (" + file + ":" + py::str(last.attr("lineno")).cast<std::string>() + " in " +
            last.attr("name").cast<std::string>();
    const std::string line = py::str(last.attr("line")).cast<std::string>();
    if (!line.empty() && line != "None") text += ": " + line;
    text += ")";
  } catch (const py::error_already_set&) {
    // The traceback is a courtesy; the type and message are what matter.
  }
  return text;
}

}  // namespace gauntlet::python
