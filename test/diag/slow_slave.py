import os, sys, time, tty, struct, select
path, unit, delay = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
def crc(b):
    c=0xFFFF
    for x in b:
        c^=x
        for _ in range(8): c = (c>>1)^0xA001 if c&1 else c>>1
    return struct.pack('<H', c)
fd=os.open(path, os.O_RDWR|os.O_NOCTTY); tty.setraw(fd)
buf=b''
print('ready', flush=True)
while True:
    buf+=os.read(fd, 256)
    while len(buf)>=8:
        fr=buf[:8]
        if crc(fr[:6])!=fr[6:8]: buf=buf[1:]; continue
        buf=buf[8:]
        u,fc,a,n=fr[0],fr[1],*struct.unpack('>HH',fr[2:6])
        print('req',u,fc,a,n,flush=True)
        if u!=unit: continue
        time.sleep(delay)
        if fc==3:
            regs=[0,6003,0,0,2,int(time.time())&0xffff]+[0]*20
            if a+n>6: body=bytes([u,0x83,2])
            else: body=bytes([u,3,2*n])+b''.join(struct.pack('>H',v) for v in regs[a:a+n])
        else: body=bytes([u,fc|0x80,1])
        os.write(fd, body+crc(body))
