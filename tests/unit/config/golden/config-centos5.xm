# The seed's /etc/xen/centos5, as xm read it.
name = "centos5"
kernel = "/boot/vmlinuz-2.6.18-xen"
ramdisk = "/boot/initrd-2.6.18-xen.img"
memory = 128
vcpus = 1
builder = "linux"
vif = [ '' ]
disk = [ 'tap:aio:/srv/xen/centos5.img,xvda,w' ]
root = "/dev/xvda ro"
extra = "console=hvc0"
on_poweroff = 'destroy'
on_reboot = 'restart'
on_crash = 'restart'
