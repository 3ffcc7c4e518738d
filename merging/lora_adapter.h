// PEFT LoRA adapters as merge experts (`--experts lora:DIR,...`): a folder
// with adapter_config.json and adapter_model.safetensors, trained on the
// merge's base. Expert m's task vector on a target module's weight W is
//   ΔW = scale · B·A,   scale = lora_alpha / r   (lora_alpha / √r with use_rslora)
// with A [r, in] (lora_A) and B [out, r] (lora_B): W's shape is [out, in]
// ([in, out], ΔW transposed, with fan_in_fan_out: GPT-2's Conv1D). An
// embedding's factors are lora_embedding_A [r, num_embeddings] and
// lora_embedding_B [dim, r], ΔW = scale · (B·A)ᵀ. Every other parameter's task
// vector is 0, except tensors the adapter stores whole (modules_to_save, and
// biases trained with bias="all" / "lora_only"), whose τ is their value
// minus θ₀.
//
// adapter_config.json: r, lora_alpha, use_rslora, fan_in_fan_out,
// rank_pattern and alpha_pattern ({pattern: r or alpha}: the first pattern p,
// in file order, such that the module name fully matches the regular
// expression "(.*\.)?(p)" sets that module's r or alpha, as PEFT's
// get_pattern_key), target_modules and base_model_name_or_path (recorded).
// An r in the config that differs from the factors' rank is an error, as are
// DoRA (use_dora, lora_magnitude_vector) and LoRA biases (lora_bias), which
// change more than B·A.
//
// Names: PEFT saves "base_model.model.<module>.lora_A.weight" (the adapter's
// name removed; "…lora_A.<adapter>.weight" is read too). <module>.weight is
// looked up in the base; when absent, the one base name of which it is a
// dotted suffix or which is a dotted suffix of it ("model.layers.0.q_proj"
// against a base saved without the "model." prefix). No match, or two, is an
// error naming the adapter, the key and the base: the adapter was trained on
// another model.
//
// Memory: the factors are views into the mapped adapter file; a parameter's
// ΔW exists only while the merge works on that parameter.
#pragma once

#include <memory>
#include <string>

#include "harness/result.h"
#include "merging/expert_model.h"
#include "merging/parameter_map.h"

namespace gauntlet::merging {

inline constexpr char kLoraPrefix[] = "lora:";

// The adapter in folder `dir` bound to `base` (every check above is made
// here). Its source is "lora:DIR".
Result<std::unique_ptr<ExpertModel>> LoadLoraExpert(const std::string& dir, const ParameterMap& base);

}  // namespace gauntlet::merging
