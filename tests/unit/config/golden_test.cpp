// Golden tests in the style of Xen's check-xl-disk-parse: equivalent spellings, one expected JSON.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "toolstack/config/config_json.h"
#include "toolstack/config/disk_spec.h"
#include "toolstack/config/vif_spec.h"

namespace xenith {
namespace {

namespace fs = std::filesystem;

fs::path golden_dir() { return fs::path(__FILE__).parent_path() / "golden"; }

// A golden file: '#' comment lines, one spelling per line (empty lines count), "---", the JSON.
struct Golden {
    std::vector<std::string> spellings;
    std::string json;
};

Golden read_golden(fs::path const& path)
{
    std::ifstream in(path);
    Golden golden;
    std::string line;
    bool in_json = false;
    std::ostringstream json;
    while (std::getline(in, line)) {
        if (in_json) {
            json << line << "\n";
        } else if (line == "---") {
            in_json = true;
        } else if (!line.starts_with("#")) {
            golden.spellings.push_back(line);
        }
    }
    golden.json = json.str();
    return golden;
}

std::vector<fs::path> golden_files(std::string_view prefix)
{
    std::vector<fs::path> files;
    for (auto const& entry : fs::directory_iterator(golden_dir())) {
        if (entry.path().filename().string().starts_with(prefix) && entry.path().extension() == ".golden")
            files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

TEST(Golden, DiskSpellingsProduceOneJson)
{
    auto files = golden_files("disk-");
    ASSERT_GE(files.size(), 5u) << "golden files missing in " << golden_dir();
    for (auto const& file : files) {
        Golden golden = read_golden(file);
        ASSERT_GE(golden.spellings.size(), 3u) << file;
        for (auto const& spelling : golden.spellings) {
            auto disk = parse_disk_spec(spelling);
            ASSERT_TRUE(disk) << file.filename() << ": '" << spelling << "': " << disk.error().message();
            EXPECT_EQ(to_json(*disk).dump(2) + "\n", golden.json) << file.filename() << ": '" << spelling << "'";
        }
    }
}

TEST(Golden, VifSpellingsProduceOneJson)
{
    auto files = golden_files("vif-");
    ASSERT_GE(files.size(), 3u) << "golden files missing in " << golden_dir();
    for (auto const& file : files) {
        Golden golden = read_golden(file);
        ASSERT_GE(golden.spellings.size(), 3u) << file;
        for (auto const& spelling : golden.spellings) {
            auto vif = parse_vif_spec(spelling);
            ASSERT_TRUE(vif) << file.filename() << ": '" << spelling << "': " << vif.error().message();
            EXPECT_EQ(to_json(*vif).dump(2) + "\n", golden.json) << file.filename() << ": '" << spelling << "'";
        }
    }
}

} // namespace
} // namespace xenith
