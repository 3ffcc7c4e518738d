#include "merging/expert_model.h"

#include <ATen/ATen.h>

#include "merging/tensor_archive.h"

namespace gauntlet::merging {

namespace {

class Dense : public ExpertModel {
 public:
  explicit Dense(ParameterMap model) : model_(std::move(model)) {}

  const std::string& source() const override { return model_.source(); }
  Status CheckLayout(const ParameterMap& base) const override { return CheckSameLayout(base, model_); }
  at::Tensor TaskVectorRows(const std::string& name, const at::Tensor& theta0_rows, int64_t row_begin) const override {
    const at::Tensor& theta = model_.at(name);
    const at::Tensor rows = theta.dim() == 0 ? theta : theta.narrow(0, row_begin, theta0_rows.size(0));
    // One new tensor: the conversion (bf16, fp16) is subtracted from in place.
    if (rows.scalar_type() != theta0_rows.scalar_type()) return rows.to(theta0_rows.scalar_type()).sub_(theta0_rows);
    return rows - theta0_rows;
  }
  at::Tensor Value(const std::string& name, const at::Tensor&) const override { return model_.at(name); }
  void ReleasePages(const std::string& name) const override { ReleaseIfMapped(model_.at(name)); }

 private:
  ParameterMap model_;
};

}  // namespace

std::unique_ptr<ExpertModel> DenseExpert(ParameterMap model) { return std::make_unique<Dense>(std::move(model)); }

ExpertModels DenseExperts(const std::vector<ParameterMap>& models) {
  ExpertModels experts;
  for (const ParameterMap& model : models) experts.push_back(DenseExpert(model));
  return experts;
}

void ReleaseIfMapped(const at::Tensor& tensor) {
  // Views of a mapping are made by from_blob, whose storage cannot grow; a
  // tensor of a mapped file can still be a copy in memory (a misaligned
  // safetensors tensor), and dropping its pages would zero it.
  if (tensor.defined() && tensor.numel() > 0 && !tensor.storage().resizable()) ReleaseMappedPages(tensor);
}

}  // namespace gauntlet::merging
