// `gauntlet doctor` on this machine: the versions a bug report quotes, a
// timed frame on the backend runs use, and every optional piece either found
// or named with its fix.
#include <gtest/gtest.h>

#include <regex>

#include "tests/cli/cli_support.h"

namespace gauntlet {
namespace {

TEST(DoctorCli, PrintsVersionsAFrameTimeAndEveryOptionalPiece) {
  const Ran doctor = Gauntlet("doctor");
  ASSERT_EQ(doctor.exit_code, 0) << doctor.out << doctor.err;  // CI renders (EGL or OSMesa)
  EXPECT_TRUE(std::regex_search(doctor.out, std::regex("MuJoCo +[0-9]+\\.[0-9]+\\.[0-9]+"))) << doctor.out;
  for (const char* line : {"LibTorch", "OpenCV", "SQLite", "ms per 128x128 frame", "egl ", "osmesa ",
                           "python module", "chromium", "pdflatex", "sbatch"}) {
    EXPECT_NE(doctor.out.find(line), std::string::npos) << line << "\n" << doctor.out;
  }
  // Each optional piece is either there or comes with the command that installs it.
  size_t missing = 0;
  for (size_t at = doctor.out.find("MISSING"); at != std::string::npos; at = doctor.out.find("MISSING", at + 1)) {
    ++missing;
    EXPECT_NE(doctor.out.find("fix: ", at), std::string::npos);
  }
  if (missing > 0) EXPECT_NE(doctor.out.find("optional piece(s) missing"), std::string::npos) << doctor.out;
}

}  // namespace
}  // namespace gauntlet
