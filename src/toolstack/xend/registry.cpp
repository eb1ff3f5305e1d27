// Registry: name-keyed domain table with id lookup.
#include "toolstack/xend/registry.h"

#include <algorithm>
#include <charconv>

namespace xenith {

Result<DomainRecord*> Registry::add(DomainRecord record)
{
    if (record.name.empty())
        return fail("a domain needs a name");
    if (record.name == "Domain-0")
        return fail("the name Domain-0 belongs to the host");
    if (m_domains.contains(record.name)) {
        auto const& existing = *m_domains.find(record.name)->second;
        if (existing.is_active())
            return fail("domain '{}' already exists with id {}", record.name, existing.id);
        return fail("domain '{}' already exists (a managed domain; 'xm start {}' runs it, 'xm delete {}' removes it)", record.name, record.name, record.name);
    }
    if (record.id != kNoDomainId) {
        if (find_by_id(record.id))
            return fail("domain id {} is already in use", record.id);
        note_id_in_use(record.id);
    }
    auto name = record.name;
    auto [it, inserted] = m_domains.emplace(name, std::make_unique<DomainRecord>(std::move(record)));
    return it->second.get();
}

void Registry::note_id_in_use(uint32_t id)
{
    if (id != kNoDomainId && id >= m_next_id)
        m_next_id = id + 1;
}

DomainRecord* Registry::find(std::string_view name_or_id)
{
    if (!name_or_id.empty() && std::all_of(name_or_id.begin(), name_or_id.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        uint32_t id = 0;
        auto [ptr, ec] = std::from_chars(name_or_id.data(), name_or_id.data() + name_or_id.size(), id);
        if (ec != std::errc() || ptr != name_or_id.data() + name_or_id.size())
            return nullptr;
        return find_by_id(id);
    }
    return find_by_name(name_or_id);
}

DomainRecord* Registry::find_by_id(uint32_t id)
{
    if (id == kNoDomainId)
        return nullptr;
    for (auto& [name, record] : m_domains)
        if (record->id == id && record->is_active())
            return record.get();
    return nullptr;
}

DomainRecord* Registry::find_by_name(std::string_view name)
{
    auto it = m_domains.find(name);
    return it == m_domains.end() ? nullptr : it->second.get();
}

Status Registry::rename(std::string_view old_name, std::string const& new_name)
{
    auto it = m_domains.find(old_name);
    if (it == m_domains.end())
        return fail("domain '{}' does not exist", old_name);
    if (new_name == old_name)
        return {};
    if (new_name == "Domain-0")
        return fail("the name Domain-0 belongs to the host");
    if (m_domains.contains(new_name))
        return fail("domain '{}' already exists", new_name);
    auto record = std::move(it->second);
    m_domains.erase(it);
    record->name = new_name;
    record->config.name = new_name;
    m_domains.emplace(new_name, std::move(record));
    return {};
}

void Registry::remove(std::string_view name)
{
    if (auto it = m_domains.find(name); it != m_domains.end())
        m_domains.erase(it);
}

std::vector<DomainRecord*> Registry::all()
{
    std::vector<DomainRecord*> out;
    for (auto& [name, record] : m_domains)
        out.push_back(record.get());
    std::stable_sort(out.begin(), out.end(), [](DomainRecord const* a, DomainRecord const* b) {
        if (a->is_active() != b->is_active())
            return a->is_active();
        if (a->is_active())
            return a->id < b->id;
        return a->name < b->name;
    });
    return out;
}

} // namespace xenith
