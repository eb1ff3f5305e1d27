// Registry: xend's table of domains. Names are unique; ids increase monotonically and are
// never reused while xend's state persists (Domain-0 is id 0 and is not in the table).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "toolstack/xend/domain_record.h"

namespace xenith {

class Registry {
public:
    explicit Registry(uint32_t next_id = 1)
        : m_next_id(next_id < 1 ? 1 : next_id)
    {
    }

    // Adds a domain; fails if the name is taken (by any domain, running or managed).
    Result<DomainRecord*> add(DomainRecord record);
    // Hands out the next id; the caller persists next_id() before using it.
    uint32_t allocate_id() { return m_next_id++; }
    uint32_t next_id() const { return m_next_id; }
    // Re-adopted domains keep their ids; later ids must stay above them.
    void note_id_in_use(uint32_t id);

    // By name, or by id when `name_or_id` is all digits. "Domain-0"/"0" is not in the table.
    DomainRecord* find(std::string_view name_or_id);
    DomainRecord* find_by_id(uint32_t id);
    DomainRecord* find_by_name(std::string_view name);

    Status rename(std::string_view old_name, std::string const& new_name);
    void remove(std::string_view name);

    // Active domains by id, then inactive (managed) domains by name.
    std::vector<DomainRecord*> all();
    size_t size() const { return m_domains.size(); }

private:
    std::map<std::string, std::unique_ptr<DomainRecord>, std::less<>> m_domains; // by name
    uint32_t m_next_id;
};

} // namespace xenith
