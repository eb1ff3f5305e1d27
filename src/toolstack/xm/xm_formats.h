// The tables xm prints, in Xen's layouts byte for byte. Pure functions of the API's JSON so
// they are golden-tested without a daemon.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace xenith::xm {

// `xm list`: {"domains":[...]} from the list operation.
//   Name                                      ID Mem(MiB) VCPUs State  Time(s)
//   Domain-0                                   0    23940     2 r-----    812.4
std::string format_list(nlohmann::json const& domains);

// `xm info`: "key                    : value" lines from the info operation.
std::string format_info(nlohmann::json const& info, std::string const& xenith_version);

// `xm vcpu-list`: one row per vCPU (Xen 3.x's columns; state r/b/- or --p when offline).
//   Name                              ID  VCPU   CPU State   Time(s) CPU Affinity
//   centos5                            1     0     1   -b-       3.1 any cpu
std::string format_vcpu_list(nlohmann::json const& domains);

// `xm sched-credit`: {"domains":[{"name","id","weight","cap"}]} from the sched-credit operation.
//   Name                              ID Weight Cap
//   centos5                            1    256    0
std::string format_sched_credit(nlohmann::json const& domains);

// `xm uptime` (and -s, short mode); `now` is the wall clock for the short form's time of day.
std::string format_uptime(nlohmann::json const& domains, bool short_mode, long now);
std::string uptime_to_string(unsigned long seconds, bool short_mode);

// `xm top`: a xentop-style frame. `cpu_percent` holds each domain's CPU% since the previous
// frame, by name (empty on the first frame).
std::string format_top(nlohmann::json const& domains, nlohmann::json const& info, nlohmann::json const& cpu_percent, long now);

} // namespace xenith::xm
