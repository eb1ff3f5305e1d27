// Registry: unique names, monotonic ids, lookups by name or id.
#include <gtest/gtest.h>

#include "toolstack/xend/registry.h"

using namespace xenith;

namespace {

DomainRecord running(std::string name, uint32_t id)
{
    DomainRecord r;
    r.name = std::move(name);
    r.id = id;
    r.phase = DomainPhase::Running;
    return r;
}

} // namespace

TEST(Registry, IdsStartAtOneAndNeverRepeat)
{
    Registry registry;
    EXPECT_EQ(registry.allocate_id(), 1u);
    EXPECT_EQ(registry.allocate_id(), 2u);
    EXPECT_EQ(registry.next_id(), 3u);
}

TEST(Registry, PersistedNextIdIsHonoured)
{
    Registry registry(42);
    EXPECT_EQ(registry.allocate_id(), 42u);
}

TEST(Registry, NextIdZeroMeansOne)
{
    Registry registry(0);
    EXPECT_EQ(registry.allocate_id(), 1u); // id 0 is Domain-0
}

TEST(Registry, AdoptedIdsPushNextIdPastThem)
{
    Registry registry(1);
    ASSERT_TRUE(registry.add(running("a", 7)));
    EXPECT_EQ(registry.allocate_id(), 8u);
}

TEST(Registry, DuplicateNameRefused)
{
    Registry registry;
    ASSERT_TRUE(registry.add(running("web", 1)));
    auto again = registry.add(running("web", 2));
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().message(), "domain 'web' already exists with id 1");
}

TEST(Registry, DuplicateNameOfManagedDomainSaysHowToStartIt)
{
    Registry registry;
    DomainRecord managed;
    managed.name = "db";
    managed.managed = true;
    ASSERT_TRUE(registry.add(managed));
    auto again = registry.add(running("db", 3));
    ASSERT_FALSE(again);
    EXPECT_NE(again.error().message().find("xm start db"), std::string::npos);
}

TEST(Registry, DuplicateIdRefused)
{
    Registry registry;
    ASSERT_TRUE(registry.add(running("a", 5)));
    EXPECT_FALSE(registry.add(running("b", 5)));
}

TEST(Registry, Domain0NameIsReserved)
{
    Registry registry;
    EXPECT_FALSE(registry.add(running("Domain-0", 1)));
    EXPECT_FALSE(registry.add(running("", 1)));
}

TEST(Registry, FindByNameOrId)
{
    Registry registry;
    ASSERT_TRUE(registry.add(running("web", 3)));
    ASSERT_EQ(registry.find("web"), registry.find("3"));
    EXPECT_NE(registry.find("web"), nullptr);
    EXPECT_EQ(registry.find("4"), nullptr);
    EXPECT_EQ(registry.find("99999999999999999999"), nullptr);
    EXPECT_EQ(registry.find("nope"), nullptr);
}

TEST(Registry, InactiveDomainHasNoId)
{
    Registry registry;
    DomainRecord managed;
    managed.name = "db";
    managed.managed = true;
    ASSERT_TRUE(registry.add(managed));
    EXPECT_EQ(registry.find_by_id(kNoDomainId), nullptr);
    EXPECT_EQ(registry.find(std::to_string(kNoDomainId)), nullptr);
}

TEST(Registry, RenameKeepsIdAndFreesOldName)
{
    Registry registry;
    ASSERT_TRUE(registry.add(running("old", 2)));
    ASSERT_TRUE(registry.rename("old", "new"));
    EXPECT_EQ(registry.find("old"), nullptr);
    ASSERT_NE(registry.find("new"), nullptr);
    EXPECT_EQ(registry.find("new")->id, 2u);
    EXPECT_EQ(registry.find("new")->config.name, "new");
    EXPECT_TRUE(registry.add(running("old", 3)));
}

TEST(Registry, RenameOntoTakenNameRefused)
{
    Registry registry;
    ASSERT_TRUE(registry.add(running("a", 1)));
    ASSERT_TRUE(registry.add(running("b", 2)));
    EXPECT_FALSE(registry.rename("a", "b"));
    EXPECT_FALSE(registry.rename("a", "Domain-0"));
    EXPECT_FALSE(registry.rename("missing", "c"));
}

TEST(Registry, AllListsRunningByIdThenInactiveByName)
{
    Registry registry;
    ASSERT_TRUE(registry.add(running("zeta", 1)));
    ASSERT_TRUE(registry.add(running("alpha", 4)));
    DomainRecord managed;
    managed.name = "beta";
    managed.managed = true;
    ASSERT_TRUE(registry.add(managed));
    auto all = registry.all();
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0]->name, "zeta");
    EXPECT_EQ(all[1]->name, "alpha");
    EXPECT_EQ(all[2]->name, "beta");
}
