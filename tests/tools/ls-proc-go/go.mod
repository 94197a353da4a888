module casroot/lsprocgo

go 1.19
