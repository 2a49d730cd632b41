//go:build tools

package main
import (
 _ "sigs.k8s.io/controller-runtime"
 _ "k8s.io/api/core/v1"
 _ "k8s.io/client-go/kubernetes"
 _ "mvdan.cc/sh/v3/syntax"
 _ "github.com/prometheus/common/expfmt"
 _ "github.com/prometheus/client_golang/prometheus"
 _ "sigs.k8s.io/yaml"
 _ "github.com/spf13/cobra"
 _ "github.com/google/go-cmp/cmp"
 _ "github.com/pmezard/go-difflib/difflib"
)
func main(){}
