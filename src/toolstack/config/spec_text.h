// Disk and vif specs written back in Xen's syntax: what xend passes to xenith-vm and xm shows.
#pragma once

#include <string>

#include "toolstack/config/domain_config.h"

namespace xenith {

// "tap:aio:/img,xvdb,w", "file:/img,hdc:cdrom,r", "phy:/dev/sdb,xvdc,w".
std::string disk_spec_text(DiskSpec const& disk);

// "mac=00:16:3e:01:02:03,bridge=xenbr0,rate=10Mb/s,forward=tcp:2222:22"; "" for all defaults.
std::string vif_spec_text(VifSpec const& vif);

} // namespace xenith
