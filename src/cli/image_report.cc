#include "cli/image_report.h"

#include <cstdio>

#include "cli/progress.h"

namespace dth::cli {
namespace {

using imagesync::ImageResult;
using imagesync::ImageStatus;

const char* StatusWord(const ImageResult& r) {
  return r.error.ok() ? imagesync::ImageStatusName(r.status) : "failed";
}

std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

}  // namespace

std::string ImageResultLine(const ImageResult& r) {
  char word[16];
  std::snprintf(word, sizeof word, "%-11s", StatusWord(r));
  std::string line = std::string(word) + " " + r.job.source;
  if (!r.error.ok()) return line + ": " + OneLine(r.error.message());
  line += " -> " + r.job.destination() + " " + r.dest_digest;
  if (r.status == ImageStatus::kCopied) {
    line += " (" + std::to_string(r.stats.blobs_copied) + " blobs, " +
            ProgressLine::FormatBytes(static_cast<double>(r.stats.bytes_copied));
    if (r.stats.blobs_mounted > 0) line += ", " + std::to_string(r.stats.blobs_mounted) + " mounted";
    if (r.attempts > 1) line += ", " + std::to_string(r.attempts) + " attempts";
    line += ")";
  }
  if (r.platform_filtered) {
    line += " [--platform narrowed the index: new digest; the source's is " + r.source_digest + "]";
  }
  return line;
}

std::string ImageSummaryLine(const imagesync::ImageSyncSummary& s, double seconds) {
  char buf[512];
  std::string head = std::to_string(s.results.size()) + " images: ";
  if (s.would_copy > 0) head += std::to_string(s.would_copy) + " would be copied, ";
  std::snprintf(buf, sizeof buf,
                "%d copied, %d up to date, %d failed; blobs: %d copied (%s), %d mounted, %d already there; %.2f s",
                s.copied, s.up_to_date, s.failed, s.blobs_copied,
                ProgressLine::FormatBytes(static_cast<double>(s.bytes_copied)).c_str(), s.blobs_mounted,
                s.blobs_skipped, seconds);
  return head + buf;
}

nlohmann::json ImageSyncJson(const imagesync::ImageSyncSummary& s, double seconds, bool dry_run) {
  nlohmann::json images = nlohmann::json::array();
  for (const ImageResult& r : s.results) {
    images.push_back({{"source", r.job.source},
                      {"destination", r.job.destination_repo.empty() ? "" : r.job.destination()},
                      {"status", StatusWord(r)},
                      {"source_digest", r.source_digest},
                      {"dest_digest", r.dest_digest},
                      {"platform_filtered", r.platform_filtered},
                      {"error", r.error.ok() ? "" : OneLine(r.error.message())},
                      {"attempts", r.attempts},
                      {"blobs_copied", r.stats.blobs_copied},
                      {"blobs_mounted", r.stats.blobs_mounted},
                      {"blobs_skipped", r.stats.blobs_skipped},
                      {"bytes_copied", r.stats.bytes_copied},
                      {"seconds", r.seconds}});
  }
  return {{"images", images},
          {"summary",
           {{"images", s.results.size()}, {"copied", s.copied}, {"up_to_date", s.up_to_date},
            {"would_copy", s.would_copy}, {"failed", s.failed}, {"blobs_copied", s.blobs_copied},
            {"blobs_mounted", s.blobs_mounted}, {"blobs_skipped", s.blobs_skipped},
            {"bytes_copied", s.bytes_copied}, {"seconds", seconds}, {"dry_run", dry_run}}}};
}

std::string ImageProgressText(int done, int total, const imagesync::ImageSyncSummary& s) {
  std::string t = "  " + std::to_string(done) + "/" + std::to_string(total) + " images  " +
                  std::to_string(s.copied) + " copied  " + std::to_string(s.up_to_date) + " up to date";
  if (s.failed > 0) t += "  " + std::to_string(s.failed) + " failed";
  return t + "  " + ProgressLine::FormatBytes(static_cast<double>(s.bytes_copied));
}

UserPassword ParseUserPassword(const std::string& text) {
  auto colon = text.find(':');
  if (colon == std::string::npos) return {text, ""};
  return {text.substr(0, colon), text.substr(colon + 1)};
}

}  // namespace dth::cli
