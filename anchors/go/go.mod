module velo/anchors/go

go 1.19
